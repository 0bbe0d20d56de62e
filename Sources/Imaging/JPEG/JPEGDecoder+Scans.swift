/// Entropy decoding of one scan into the frame's coefficients: sequential Huffman
/// (ITU T.81 F.2) and the four progressive passes (G.1.2): DC first, DC refinement,
/// AC first (with end-of-band runs) and AC refinement. Coefficients are stored
/// quantised, in natural order, as libjpeg's JCOEF (16-bit) values.
extension JPEGDecodingState {
  /// Decodes the scan's entropy-coded data starting at `dataStart`; returns where the
  /// data ended (the next marker search starts there).
  mutating func decodeScan(_ scan: JPEGScan, frame: JPEGFrame, dataStart: Int) throws -> Int {
    var decoder = JPEGScanDecoder(
      reader: JPEGBitReader(data: data, count: count, position: dataStart),
      kind: ScanKind(scan, progressive: frame.progressive),
      dcTables: scan.dcTables.map { $0.map(JPEGHuffmanLookup.init) ?? .missing },
      acTables: scan.acTables.map { $0.map(JPEGHuffmanLookup.init) ?? .missing },
      restartInterval: restartInterval)
    var components = scan.componentIndices.map { frame.components[$0] }
    let scanNumber = scanCount
    guard planes == nil else {
      throw JPEGError.corrupt(
        marker: "SOS", offset: dataStart,
        reason: "scan \(scanNumber) follows a sequential scan that coded every component")
    }
    let complete: Bool
    if !frame.progressive && components.count == frame.components.count {
      // The usual sequential file: one scan codes everything, so each MCU row of
      // coefficients goes through the IDCT as soon as it is decoded, into the planes,
      // and only one row of coefficients is ever held.
      let planes = JPEGPlanes(frame)
      var bandSize = 0
      for i in components.indices {
        components[i].coefficientOffset = bandSize
        let rows = components.count == 1 ? 1 : components[i].verticalSampling
        bandSize += rows * components[i].blocksPerLine * 64
      }
      let band = UnsafeMutablePointer<Int16>.allocate(capacity: bandSize)
      band.initialize(repeating: 0, count: bandSize)
      defer { band.deallocate() }
      complete = decoder.decode(frame: frame, components: components, coefficients: band) {
        row in
        for (i, c) in components.enumerated() {
          let rows = components.count == 1 ? 1 : c.verticalSampling
          for v in 0..<rows {
            planes.transformRow(
              component: i, blockRow: row * rows + v,
              coefficients: band + c.coefficientOffset + v * c.blocksPerLine * 64,
              quantization: frame.components[i].quantization)
          }
        }
        band.update(repeating: 0, count: bandSize)
      }
      self.planes = planes
    } else {
      if coefficients.isEmpty {
        coefficients = [Int16](repeating: 0, count: frame.coefficientCount)
      }
      complete = coefficients.withUnsafeMutableBufferPointer { storage in
        decoder.decode(frame: frame, components: components, coefficients: storage.baseAddress!)
      }
    }
    // The tables stay alive (held by `scan`) while the decoder reads them.
    withExtendedLifetime(scan) {}
    guard complete else {
      throw JPEGError.corrupt(
        marker: "SOS", offset: decoder.reader.position,
        reason: "an invalid Huffman code in scan \(scanNumber)")
    }
    if decoder.reader.ranPastEnd {
      throw JPEGError.truncated(
        marker: "SOS", offset: count,
        reason: "the file ends inside the entropy-coded data of scan \(scanNumber)")
    }
    return decoder.reader.position
  }
}

/// The Huffman table pointers one scan reads, without reference counting in the loop
/// (read-only, like the table they point into).
struct JPEGHuffmanLookup: @unchecked Sendable {
  let lookup: UnsafePointer<UInt16>
  let maxCode: UnsafePointer<Int32>
  let valueOffset: UnsafePointer<Int32>
  let values: UnsafePointer<UInt8>

  init(_ table: JPEGHuffmanTable) {
    lookup = UnsafePointer(table.lookup)
    maxCode = UnsafePointer(table.maxCode)
    valueOffset = UnsafePointer(table.valueOffset)
    values = UnsafePointer(table.values)
  }

  /// A placeholder for a table the scan does not use (never read).
  static let missing = JPEGHuffmanLookup(JPEGScanDecoder.emptyTable)
}

/// The block loop of one scan: walks MCUs (or single blocks in a non-interleaved scan),
/// handles restart intervals and dispatches to the block decoder of the scan's kind.
struct JPEGScanDecoder {
  static let emptyTable = JPEGHuffmanTable(counts: [Int](repeating: 0, count: 16), symbols: [])
  /// The zig-zag table in memory that lives as long as the program (read per coefficient).
  nonisolated(unsafe) static let zigzag: UnsafePointer<Int> = {
    let pointer = UnsafeMutablePointer<Int>.allocate(capacity: JPEGStandardTables.zigzag.count)
    pointer.initialize(from: JPEGStandardTables.zigzag, count: JPEGStandardTables.zigzag.count)
    return UnsafePointer(pointer)
  }()

  var reader: JPEGBitReader
  let kind: ScanKind
  let dcTables: [JPEGHuffmanLookup]
  let acTables: [JPEGHuffmanLookup]
  let restartInterval: Int
  var predictors = SIMD4<Int32>.zero
  var endOfBandRun = 0
  var mcusToRestart = 0

  init(
    reader: JPEGBitReader, kind: ScanKind, dcTables: [JPEGHuffmanLookup],
    acTables: [JPEGHuffmanLookup], restartInterval: Int
  ) {
    self.reader = reader
    self.kind = kind
    self.dcTables = dcTables
    self.acTables = acTables
    self.restartInterval = restartInterval
    self.mcusToRestart = restartInterval
  }

  /// Decodes every block of the scan; false on an invalid Huffman code. With
  /// `finishRow`, `coefficients` holds only one MCU row (block rows 0 ..< v of each
  /// component), handed to `finishRow(mcuRow)` once decoded.
  mutating func decode(
    frame: JPEGFrame, components: [JPEGComponent], coefficients: UnsafeMutablePointer<Int16>,
    finishRow: ((Int) -> Void)? = nil
  ) -> Bool {
    let banded = finishRow != nil
    if components.count == 1 {
      // Non-interleaved: one block per MCU, over the component's own block grid.
      let c = components[0]
      for row in 0..<c.heightInBlocks {
        let bandRow = banded ? 0 : row
        var block = coefficients + c.coefficientOffset + bandRow * c.blocksPerLine * 64
        for _ in 0..<c.widthInBlocks {
          beginMCU()
          guard decodeBlock(0, block) else { return false }
          block += 64
        }
        finishRow?(row)
      }
      return true
    }
    // Interleaved: each MCU holds h x v blocks of every component, in raster order.
    for mcuRow in 0..<frame.mcusPerColumn {
      let bandRow = banded ? 0 : mcuRow
      for mcuColumn in 0..<frame.mcusPerLine {
        beginMCU()
        for i in components.indices {
          let c = components[i]
          for v in 0..<c.verticalSampling {
            let row = bandRow * c.verticalSampling + v
            let first = (row * c.blocksPerLine + mcuColumn * c.horizontalSampling) * 64
            for h in 0..<c.horizontalSampling {
              let block = coefficients + c.coefficientOffset + first + h * 64
              guard decodeBlock(i, block) else { return false }
            }
          }
        }
      }
      finishRow?(mcuRow)
    }
    return true
  }

  /// Restart markers come every `restartInterval` MCUs (F.1.2.3): they reset the bit
  /// stream, the DC predictions and the end-of-band run.
  @inline(__always)
  mutating func beginMCU() {
    guard restartInterval > 0 else { return }
    if mcusToRestart == 0 {
      _ = reader.restart()
      predictors = .zero
      endOfBandRun = 0
      mcusToRestart = restartInterval
    }
    mcusToRestart -= 1
  }

  /// One block of the scan's `i`-th component.
  @inline(__always)
  mutating func decodeBlock(_ i: Int, _ block: UnsafeMutablePointer<Int16>) -> Bool {
    let zigzag = Self.zigzag
    switch kind {
    case .sequential:
      return decodeSequential(
        &reader, block, dc: dcTables[i], ac: acTables[i], predictor: &predictors[i],
        zigzag: zigzag)
    case .dcFirst(let al):
      return decodeDCFirst(&reader, block, dc: dcTables[i], predictor: &predictors[i], al)
    case .dcRefine(let al):
      if reader.bit() != 0 { block[0] |= Int16(truncatingIfNeeded: 1 << al) }
      return true
    case .acFirst(let ss, let se, let al):
      return decodeACFirst(
        &reader, block, ac: acTables[i], ss, se, al, &endOfBandRun, zigzag: zigzag)
    case .acRefine(let ss, let se, let al):
      return decodeACRefine(
        &reader, block, ac: acTables[i], ss, se, al, &endOfBandRun, zigzag: zigzag)
    }
  }
}

/// What a scan codes, from its Ss, Se, Ah, Al.
enum ScanKind {
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
  dc: JPEGHuffmanLookup, ac: JPEGHuffmanLookup, predictor: inout Int32,
  zigzag: UnsafePointer<Int>
) -> Bool {
  guard let size = reader.decode(dc), size <= 16 else { return false }
  predictor &+= reader.extendBuffered(size)
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
    block[zigzag[k]] = Int16(truncatingIfNeeded: reader.extendBuffered(size))
    k += 1
  }
  return true
}

/// DC first pass: the DC difference, scaled up by the successive-approximation shift.
@inline(__always)
private func decodeDCFirst(
  _ reader: inout JPEGBitReader, _ block: UnsafeMutablePointer<Int16>,
  dc: JPEGHuffmanLookup, predictor: inout Int32, _ al: Int
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
  _ reader: inout JPEGBitReader, _ block: UnsafeMutablePointer<Int16>, ac: JPEGHuffmanLookup,
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
  _ reader: inout JPEGBitReader, _ block: UnsafeMutablePointer<Int16>, ac: JPEGHuffmanLookup,
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
