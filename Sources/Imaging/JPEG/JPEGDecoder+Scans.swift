/// Entropy decoding of one scan into the frame's coefficients: sequential Huffman
/// (ITU T.81 F.2) and the four progressive passes (G.1.2): DC first, DC refinement,
/// AC first (with end-of-band runs) and AC refinement. Coefficients are stored
/// quantised, in natural order, as libjpeg's JCOEF (16-bit) values.
extension JPEGDecodingState {
  /// Decodes the scan's entropy-coded data starting at `dataStart`; returns where the
  /// data ended (the next marker search starts there).
  mutating func decodeScan(_ scan: JPEGScan, frame: JPEGFrame, dataStart: Int) throws -> Int {
    var reader = JPEGBitReader(data: data, count: count, position: dataStart)
    let restartInterval = self.restartInterval
    let scanNumber = scanCount
    let kind = ScanKind(scan, progressive: frame.progressive)
    let components = scan.componentIndices.map { frame.components[$0] }

    try coefficients.withUnsafeMutableBufferPointer { storage in
      try JPEGStandardTables.zigzag.withUnsafeBufferPointer { zigzagBuffer in
        let zigzag = zigzagBuffer.baseAddress!
        let base = storage.baseAddress!
        var predictors = [Int32](repeating: 0, count: components.count)
        var endOfBandRun = 0
        var mcusToRestart = restartInterval

        func corrupt(_ reason: String) -> JPEGError {
          .corrupt(
            marker: "SOS", offset: reader.position,
            reason: "\(reason) in scan \(scanNumber)")
        }

        // One block of component `i` of the scan.
        func decodeBlock(_ i: Int, _ block: UnsafeMutablePointer<Int16>) throws {
          let ok: Bool
          switch kind {
          case .sequential:
            ok = decodeSequential(
              &reader, block, dc: scan.dcTables[i]!, ac: scan.acTables[i]!,
              predictor: &predictors[i], zigzag: zigzag)
          case .dcFirst(let al):
            ok = decodeDCFirst(&reader, block, dc: scan.dcTables[i]!, predictor: &predictors[i], al)
          case .dcRefine(let al):
            if reader.bit() != 0 { block[0] |= Int16(truncatingIfNeeded: 1 << al) }
            ok = true
          case .acFirst(let ss, let se, let al):
            ok = decodeACFirst(
              &reader, block, ac: scan.acTables[i]!, ss, se, al, &endOfBandRun, zigzag: zigzag)
          case .acRefine(let ss, let se, let al):
            ok = decodeACRefine(
              &reader, block, ac: scan.acTables[i]!, ss, se, al, &endOfBandRun, zigzag: zigzag)
          }
          if !ok { throw corrupt("an invalid Huffman code") }
        }

        // Restart markers come every `restartInterval` MCUs (F.1.2.3): they reset the
        // bit stream, the DC predictions and the end-of-band run.
        func beginMCU() {
          guard restartInterval > 0 else { return }
          if mcusToRestart == 0 {
            _ = reader.restart()
            for i in predictors.indices { predictors[i] = 0 }
            endOfBandRun = 0
            mcusToRestart = restartInterval
          }
          mcusToRestart -= 1
        }

        if components.count == 1 {
          // Non-interleaved: one block per MCU, over the component's own block grid.
          let c = components[0]
          for row in 0..<c.heightInBlocks {
            for column in 0..<c.widthInBlocks {
              beginMCU()
              let block = base + c.coefficientOffset + (row * c.blocksPerLine + column) * 64
              try decodeBlock(0, block)
            }
          }
        } else {
          // Interleaved: each MCU holds h x v blocks of every component, in raster order.
          for mcuRow in 0..<frame.mcusPerColumn {
            for mcuColumn in 0..<frame.mcusPerLine {
              beginMCU()
              for (i, c) in components.enumerated() {
                for v in 0..<c.verticalSampling {
                  let row = mcuRow * c.verticalSampling + v
                  for h in 0..<c.horizontalSampling {
                    let column = mcuColumn * c.horizontalSampling + h
                    let block = base + c.coefficientOffset + (row * c.blocksPerLine + column) * 64
                    try decodeBlock(i, block)
                  }
                }
              }
            }
          }
        }
      }
    }
    if reader.ranPastEnd {
      throw JPEGError.truncated(
        marker: "SOS", offset: count,
        reason: "the file ends inside the entropy-coded data of scan \(scanNumber)")
    }
    return reader.position
  }
}

/// What a scan codes, from its Ss, Se, Ah, Al.
private enum ScanKind {
  case sequential
  case dcFirst(Int)
  case dcRefine(Int)
  case acFirst(Int, Int, Int)
  case acRefine(Int, Int, Int)

  init(_ scan: JPEGScan, progressive: Bool) {
    let al = scan.approximationLow
    if !progressive {
      self = .sequential
    } else if scan.spectralStart == 0 {
      self = scan.approximationHigh == 0 ? .dcFirst(al) : .dcRefine(al)
    } else if scan.approximationHigh == 0 {
      self = .acFirst(scan.spectralStart, scan.spectralEnd, al)
    } else {
      self = .acRefine(scan.spectralStart, scan.spectralEnd, al)
    }
  }
}

/// A whole block of a sequential scan: the DC difference, then run/size-coded AC values.
@inline(__always)
private func decodeSequential(
  _ reader: inout JPEGBitReader, _ block: UnsafeMutablePointer<Int16>,
  dc: JPEGHuffmanTable, ac: JPEGHuffmanTable, predictor: inout Int32,
  zigzag: UnsafePointer<Int>
) -> Bool {
  guard let size = reader.decode(dc), size <= 16 else { return false }
  predictor &+= reader.receiveExtend(size)
  block[0] = Int16(truncatingIfNeeded: predictor)
  var k = 1
  while k < 64 {
    guard let symbol = reader.decode(ac) else { return false }
    let run = symbol >> 4
    let size = symbol & 15
    if size == 0 {
      if run != 15 { break }  // end of block
      k += 16  // ZRL: sixteen zeros
      continue
    }
    k += run
    block[zigzag[k]] = Int16(truncatingIfNeeded: reader.receiveExtend(size))
    k += 1
  }
  return true
}

/// DC first pass: the DC difference, scaled up by the successive-approximation shift.
@inline(__always)
private func decodeDCFirst(
  _ reader: inout JPEGBitReader, _ block: UnsafeMutablePointer<Int16>,
  dc: JPEGHuffmanTable, predictor: inout Int32, _ al: Int
) -> Bool {
  guard let size = reader.decode(dc), size <= 16 else { return false }
  predictor &+= reader.receiveExtend(size)
  block[0] = Int16(truncatingIfNeeded: predictor << Int32(al))
  return true
}

/// AC first pass over Ss...Se; an EOBn symbol starts a run of blocks with no
/// coefficients in this band (G.1.2.2).
@inline(__always)
private func decodeACFirst(
  _ reader: inout JPEGBitReader, _ block: UnsafeMutablePointer<Int16>, ac: JPEGHuffmanTable,
  _ ss: Int, _ se: Int, _ al: Int, _ endOfBandRun: inout Int, zigzag: UnsafePointer<Int>
) -> Bool {
  if endOfBandRun > 0 {
    endOfBandRun -= 1
    return true
  }
  var k = ss
  while k <= se {
    guard let symbol = reader.decode(ac) else { return false }
    let run = symbol >> 4
    let size = symbol & 15
    if size == 0 {
      if run != 15 {
        endOfBandRun = (1 << run) + Int(reader.bits(run)) - 1
        break
      }
      k += 16
      continue
    }
    k += run
    block[zigzag[k]] = Int16(truncatingIfNeeded: reader.receiveExtend(size) << Int32(al))
    k += 1
  }
  return true
}

/// AC refinement pass (G.1.2.3): one correction bit for every coefficient already
/// non-zero, and new coefficients of magnitude 1 << Al placed after runs of zeros.
private func decodeACRefine(
  _ reader: inout JPEGBitReader, _ block: UnsafeMutablePointer<Int16>, ac: JPEGHuffmanTable,
  _ ss: Int, _ se: Int, _ al: Int, _ endOfBandRun: inout Int, zigzag: UnsafePointer<Int>
) -> Bool {
  let plusOne = Int16(truncatingIfNeeded: 1 << al)
  let minusOne = Int16(truncatingIfNeeded: -1 << al)

  func refine(_ coefficient: UnsafeMutablePointer<Int16>) {
    if reader.bit() != 0 && coefficient.pointee & plusOne == 0 {
      coefficient.pointee &+= coefficient.pointee >= 0 ? plusOne : minusOne
    }
  }

  var k = ss
  if endOfBandRun == 0 {
    while k <= se {
      guard let symbol = reader.decode(ac) else { return false }
      var run = symbol >> 4
      let size = symbol & 15
      var value: Int16 = 0
      if size != 0 {
        // The size of a new coefficient is always 1; its sign is the next bit.
        value = reader.bit() != 0 ? plusOne : minusOne
      } else if run != 15 {
        endOfBandRun = (1 << run) + Int(reader.bits(run))
        break
      }
      // Skip `run` zero coefficients (refining the non-zero ones met on the way), then
      // stop on the zero coefficient that becomes `value`.
      while k <= se {
        let coefficient = block + zigzag[k]
        if coefficient.pointee != 0 {
          refine(coefficient)
        } else {
          if run == 0 { break }
          run -= 1
        }
        k += 1
      }
      if value != 0 { block[zigzag[k]] = value }
      k += 1
    }
  }
  if endOfBandRun > 0 {
    // Inside an end-of-band run only the non-zero coefficients get correction bits.
    while k <= se {
      let coefficient = block + zigzag[k]
      if coefficient.pointee != 0 { refine(coefficient) }
      k += 1
    }
    endOfBandRun -= 1
  }
  return true
}
