/// The frame header (SOF) and scan header (SOS) of ITU T.81 B.2.2 and B.2.3.
extension JPEGDecodingState {
  /// The most scans a file may have (see `readScan`).
  static let maximumScans = 500

  /// Reads SOF0/SOF1/SOF2 and validates it; storage is allocated by the first scan.
  mutating func readFrameHeader(start: Int, end: Int, code: UInt8) throws {
    let name = jpegMarkerName(code)
    guard frame == nil else {
      throw JPEGError.corrupt(marker: name, offset: start - 4, reason: "a second frame header")
    }
    guard end - start >= 6 else {
      throw JPEGError.corrupt(marker: name, offset: start, reason: "header shorter than 6 bytes")
    }
    let precision = Int(data[start])
    let height = Int(data[start + 1]) << 8 | Int(data[start + 2])
    let width = Int(data[start + 3]) << 8 | Int(data[start + 4])
    let componentCount = Int(data[start + 5])
    guard precision == 8 else {
      if precision == 12 || precision == 16 {
        throw JPEGError.unsupported("\(precision)-bit samples (\(name) at byte \(start - 4))")
      }
      throw JPEGError.corrupt(
        marker: name, offset: start, reason: "sample precision \(precision), expected 8")
    }
    guard height > 0 else {
      throw JPEGError.unsupported("a height given later by a DNL marker (\(name) height 0)")
    }
    guard width > 0 else {
      throw JPEGError.corrupt(marker: name, offset: start + 3, reason: "width 0")
    }
    guard componentCount == 1 || componentCount == 3 else {
      if componentCount == 2 || componentCount == 4 {
        throw JPEGError.unsupported(
          "\(componentCount) colour components (CMYK/YCCK or other), only 1 or 3 are decoded")
      }
      throw JPEGError.corrupt(
        marker: name, offset: start + 5, reason: "\(componentCount) components")
    }
    guard end - start == 6 + 3 * componentCount else {
      throw JPEGError.corrupt(
        marker: name, offset: start,
        reason: "length \(end - start + 2) for \(componentCount) components, expected "
          + "\(8 + 3 * componentCount)")
    }

    var components: [JPEGComponent] = []
    for i in 0..<componentCount {
      let p = start + 6 + 3 * i
      let h = Int(data[p + 1] >> 4)
      let v = Int(data[p + 1] & 15)
      let tq = Int(data[p + 2])
      guard (1...4).contains(h), (1...4).contains(v), tq <= 3 else {
        throw JPEGError.corrupt(
          marker: name, offset: p,
          reason: "component \(i): sampling \(h)x\(v) and table \(tq) (expected 1...4, 0...3)")
      }
      components.append(
        JPEGComponent(
          id: data[p], horizontalSampling: h, verticalSampling: v, quantizationTableIndex: tq))
    }
    var newFrame = JPEGFrame(
      progressive: code == 0xC2, width: width, height: height, components: components)
    newFrame.computeGeometry()
    for c in components
    where newFrame.maxHorizontalSampling % c.horizontalSampling != 0
      || newFrame.maxVerticalSampling % c.verticalSampling != 0
    {
      throw JPEGError.unsupported(
        "fractional sampling ratio \(c.horizontalSampling)x\(c.verticalSampling) against "
          + "\(newFrame.maxHorizontalSampling)x\(newFrame.maxVerticalSampling)")
    }

    // Refuse absurd sizes before allocating: a pixel cap, and the fact that every block
    // costs at least one bit in the first scan that codes its DC coefficient.
    guard width * height <= maximumPixels else {
      throw JPEGError.tooLarge(
        width: width, height: height, reason: "more than \(maximumPixels) pixels")
    }
    let codedBlocks = newFrame.components.reduce(0) { $0 + $1.widthInBlocks * $1.heightInBlocks }
    let bitsLeft = 8 * (count - end)
    guard codedBlocks <= bitsLeft else {
      throw JPEGError.tooLarge(
        width: width, height: height,
        reason: "\(codedBlocks) blocks cannot be coded in the \(count - end) bytes left")
    }
    frame = newFrame
  }

  /// Reads an SOS header, decodes its entropy-coded data into `coefficients`, and returns
  /// the offset where the next marker search starts.
  mutating func readScan(start: Int, end: Int, offset: Int) throws -> Int {
    guard var frame = frame else {
      throw JPEGError.corrupt(marker: "SOS", offset: offset, reason: "a scan before any frame")
    }
    // Each scan walks all blocks of its components even when its data is a few bytes
    // (end-of-band runs), so a file of many tiny scans could take quadratic time. Real
    // encoders write at most a few dozen; libjpeg-turbo's tools stop at 500 too.
    guard scanCount < Self.maximumScans else {
      throw JPEGError.corrupt(
        marker: "SOS", offset: offset, reason: "more than \(Self.maximumScans) scans")
    }
    let n = Int(data[start])
    guard (1...4).contains(n), end - start == 4 + 2 * n else {
      throw JPEGError.corrupt(
        marker: "SOS", offset: start, reason: "\(n) components in a \(end - start + 2)-byte header")
    }
    var scan = JPEGScan()
    for i in 0..<n {
      let p = start + 1 + 2 * i
      guard let index = frame.components.firstIndex(where: { $0.id == data[p] }),
        !scan.componentIndices.contains(index)
      else {
        throw JPEGError.corrupt(
          marker: "SOS", offset: p, reason: "component id \(data[p]) unknown or repeated")
      }
      scan.componentIndices.append(index)
      scan.dcTableIndices.append(Int(data[p + 1] >> 4))
      scan.acTableIndices.append(Int(data[p + 1] & 15))
    }
    let p = start + 1 + 2 * n
    scan.spectralStart = Int(data[p])
    scan.spectralEnd = Int(data[p + 1])
    scan.approximationHigh = Int(data[p + 2] >> 4)
    scan.approximationLow = Int(data[p + 2] & 15)
    if frame.progressive {
      try validateProgressive(scan, offset: p)
    } else {
      // libjpeg only warns about odd Ss/Se/Ah/Al in a sequential scan and decodes it as
      // a full one; so do we.
      scan.spectralStart = 0
      scan.spectralEnd = 63
      scan.approximationHigh = 0
      scan.approximationLow = 0
    }
    if n > 1 {
      let blocks = scan.componentIndices.reduce(0) {
        $0 + frame.components[$1].horizontalSampling * frame.components[$1].verticalSampling
      }
      guard blocks <= 10 else {
        throw JPEGError.corrupt(
          marker: "SOS", offset: start, reason: "\(blocks) blocks per MCU (at most 10)")
      }
    }
    try resolveTables(&scan, frame: &frame, offset: start)
    self.frame = frame
    scanCount += 1
    return try decodeScan(scan, frame: frame, dataStart: end)
  }

  private func validateProgressive(_ scan: JPEGScan, offset: Int) throws {
    let ss = scan.spectralStart
    let se = scan.spectralEnd
    let ah = scan.approximationHigh
    let al = scan.approximationLow
    let valid =
      (ss == 0 ? se == 0 : (ss <= se && se <= 63 && scan.componentIndices.count == 1))
      && al <= 13 && (ah == 0 || ah == al + 1)
    guard valid else {
      throw JPEGError.corrupt(
        marker: "SOS", offset: offset,
        reason: "invalid progression Ss=\(ss) Se=\(se) Ah=\(ah) Al=\(al) over "
          + "\(scan.componentIndices.count) components")
    }
  }

  /// Picks the Huffman tables the scan needs and latches quantisation tables. A missing
  /// Huffman table 0 or 1 falls back to the Annex K table, as libjpeg-turbo does for
  /// Motion-JPEG frames that omit DHT.
  private func resolveTables(_ scan: inout JPEGScan, frame: inout JPEGFrame, offset: Int) throws {
    let needsDC = scan.spectralStart == 0 && scan.approximationHigh == 0
    let needsAC = scan.spectralEnd > 0
    for (i, c) in scan.componentIndices.enumerated() {
      if needsDC {
        scan.dcTables[i] = try table(dc: true, index: scan.dcTableIndices[i], offset: offset)
      }
      if needsAC {
        scan.acTables[i] = try table(dc: false, index: scan.acTableIndices[i], offset: offset)
      }
      if frame.components[c].quantization.isEmpty {
        let tq = frame.components[c].quantizationTableIndex
        guard let q = quantizationTables[tq] else {
          throw JPEGError.corrupt(
            marker: "SOS", offset: offset, reason: "quantisation table \(tq) was never defined")
        }
        frame.components[c].quantization = q
      }
    }
  }

  private func table(dc: Bool, index: Int, offset: Int) throws -> JPEGHuffmanTable {
    if index <= 3, let table = huffmanTables[(dc ? 0 : 4) + index] { return table }
    if index <= 1 {
      let standard =
        dc
        ? (index == 0 ? JPEGStandardTables.luminanceDC : JPEGStandardTables.chrominanceDC)
        : (index == 0 ? JPEGStandardTables.luminanceAC : JPEGStandardTables.chrominanceAC)
      return JPEGHuffmanTable(counts: standard.counts, symbols: standard.symbols)
    }
    throw JPEGError.corrupt(
      marker: "SOS", offset: offset,
      reason: "\(dc ? "DC" : "AC") Huffman table \(index) was never defined")
  }
}

/// A scan header: which components, which tables, which coefficients and bits.
struct JPEGScan {
  var componentIndices: [Int] = []
  var dcTableIndices: [Int] = []
  var acTableIndices: [Int] = []
  var dcTables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
  var acTables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
  /// Ss, Se: the zig-zag range of coefficients coded (0...63 for sequential scans).
  var spectralStart = 0
  var spectralEnd = 63
  /// Ah, Al: successive-approximation bit positions (0 for sequential scans).
  var approximationHigh = 0
  var approximationLow = 0
}
