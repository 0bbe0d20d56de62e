/// Code words of one Huffman table for encoding (Annex C): `code[symbol]` and
/// `length[symbol]`, 0 length for symbols the table lacks.
struct JPEGHuffmanEncoder {
  var code = [UInt32](repeating: 0, count: 256)
  var length = [Int](repeating: 0, count: 256)
  let counts: [Int]
  let symbols: [UInt8]

  init(_ table: (counts: [Int], symbols: [UInt8])) {
    counts = table.counts
    symbols = table.symbols
    var next: UInt32 = 0
    var index = 0
    for bits in 1...16 {
      for _ in 0..<counts[bits - 1] {
        code[Int(symbols[index])] = next
        length[Int(symbols[index])] = bits
        next += 1
        index += 1
      }
      next <<= 1
    }
  }
}

/// The bytes of a JPEG being written: marker segments, then entropy-coded data with a
/// zero stuffed after every FF (F.1.2.3).
struct JPEGByteWriter {
  var bytes: [UInt8] = []
  private var buffer: UInt64 = 0
  private var bitCount = 0

  mutating func writeUInt16(_ value: Int) {
    bytes.append(UInt8(value >> 8))
    bytes.append(UInt8(value & 0xFF))
  }

  mutating func writeSegment(_ marker: UInt8, _ payload: [UInt8]) {
    bytes += [0xFF, marker]
    writeUInt16(payload.count + 2)
    bytes += payload
  }

  /// SOI, JFIF APP0, DQT (two 8-bit tables), SOF0 (components 1, 2, 3 = Y, Cb, Cr with
  /// the given sampling factors; Y uses table 0, Cb and Cr table 1) and DHT (the four
  /// Annex K tables).
  mutating func writeHeaders(
    width: Int, height: Int, samplings: [(horizontal: Int, vertical: Int)], tables: [[Int]]
  ) {
    bytes += [0xFF, 0xD8]
    // JFIF 1.01, no density units, 1:1 aspect, no thumbnail.
    writeSegment(0xE0, [0x4A, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0])
    var dqt: [UInt8] = []
    for (index, table) in tables.enumerated() {
      dqt.append(UInt8(index))
      for k in 0..<64 { dqt.append(UInt8(table[JPEGStandardTables.zigzag[k]])) }
    }
    writeSegment(0xDB, dqt)
    var sof: [UInt8] = [8, UInt8(height >> 8), UInt8(height & 0xFF)]
    sof += [UInt8(width >> 8), UInt8(width & 0xFF), 3]
    for (c, (h, v)) in samplings.enumerated() {
      sof += [UInt8(c + 1), UInt8(h << 4 | v), c == 0 ? 0 : 1]
    }
    writeSegment(0xC0, sof)
    var dht: [UInt8] = []
    let huffman = [
      (0x00, JPEGStandardTables.luminanceDC), (0x10, JPEGStandardTables.luminanceAC),
      (0x01, JPEGStandardTables.chrominanceDC), (0x11, JPEGStandardTables.chrominanceAC),
    ]
    for (classAndIndex, table) in huffman {
      dht.append(UInt8(classAndIndex))
      dht += table.counts.map { UInt8($0) }
      dht += table.symbols
    }
    writeSegment(0xC4, dht)
  }

  /// SOS for the given components (0 = Y with tables 0, 1 and 2 = Cb, Cr with tables 1),
  /// all 64 coefficients, no successive approximation.
  mutating func writeScanHeader(components: [Int]) {
    var payload = [UInt8(components.count)]
    for c in components { payload += [UInt8(c + 1), c == 0 ? 0x00 : 0x11] }
    writeSegment(0xDA, payload + [0, 63, 0])
  }

  /// Appends the low `count` bits of `value`, flushing whole bytes with stuffing.
  @inline(__always)
  mutating func writeBits(_ value: UInt32, count: Int) {
    guard count > 0 else { return }
    buffer = buffer << UInt64(count) | UInt64(value & ((1 << UInt32(count)) - 1))
    bitCount += count
    while bitCount >= 8 {
      let byte = UInt8(truncatingIfNeeded: buffer >> UInt64(bitCount - 8))
      bytes.append(byte)
      if byte == 0xFF { bytes.append(0) }
      bitCount -= 8
    }
  }

  /// Huffman-codes one quantised block (natural order): the DC difference from the
  /// previous block of the component, then run/size symbols for the AC values (F.1.2).
  mutating func encodeBlock(
    _ block: [Int], predictor: inout Int, dc: JPEGHuffmanEncoder, ac: JPEGHuffmanEncoder
  ) {
    let difference = block[0] - predictor
    predictor = block[0]
    writeValue(difference, symbolPrefix: 0, table: dc)
    var run = 0
    for k in 1..<64 {
      let value = block[JPEGStandardTables.zigzag[k]]
      if value == 0 {
        run += 1
        continue
      }
      while run > 15 {
        writeBits(ac.code[0xF0], count: ac.length[0xF0])  // ZRL
        run -= 16
      }
      writeValue(value, symbolPrefix: run << 4, table: ac)
      run = 0
    }
    if run > 0 { writeBits(ac.code[0x00], count: ac.length[0x00]) }  // EOB
  }

  /// Writes the symbol (prefix | size) and the `size` extra bits of a value (F.1.2.1):
  /// negative values are sent as value - 1 in `size` bits.
  private mutating func writeValue(_ value: Int, symbolPrefix: Int, table: JPEGHuffmanEncoder) {
    let magnitude = abs(value)
    let size = magnitude == 0 ? 0 : Int.bitWidth - magnitude.leadingZeroBitCount
    let symbol = symbolPrefix | size
    writeBits(table.code[symbol], count: table.length[symbol])
    let bits = value < 0 ? value - 1 : value
    writeBits(UInt32(truncatingIfNeeded: bits), count: size)
  }

  /// Pads the last byte of a scan with one bits (F.1.2.3).
  mutating func flushBits() {
    let pad = (8 - bitCount % 8) % 8
    writeBits((1 << UInt32(pad)) - 1, count: pad)
  }

  /// Ends the last scan and writes EOI.
  mutating func finish() {
    flushBits()
    bytes += [0xFF, 0xD9]
  }
}
