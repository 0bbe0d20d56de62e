/// Reads the entropy-coded data of a scan bit by bit, most significant bit first,
/// removing the stuffed zero after each FF byte (ITU T.81 F.1.2.3).
///
/// When a marker (FF followed by a non-zero byte) ends the data early, the reader feeds
/// zero bits from then on, as libjpeg does ("premature end of data segment"); when the
/// file itself ends, it also feeds zeros but records `ranPastEnd`, which the decoder
/// reports as truncation. Bits are kept left-aligned in a 64-bit buffer.
struct JPEGBitReader {
  let data: UnsafePointer<UInt8>
  let count: Int
  /// The next byte to read.
  private(set) var position: Int
  /// Where the real data stops: `count`, or the FF of a marker met inside the scan.
  private var end: Int
  private var buffer: UInt64 = 0
  private(set) var bitCount = 0
  /// Whether zero bits had to be invented past the end of the file.
  private(set) var ranPastEnd = false

  init(data: UnsafePointer<UInt8>, count: Int, position: Int) {
    self.data = data
    self.count = count
    self.position = position
    self.end = count
  }

  /// Tops the buffer up to at least 57 bits, enough for a Huffman code and its extra
  /// bits (16 + 16), or an EOB-run length, without another check.
  @inline(__always)
  mutating func refill() {
    if bitCount <= 56 { refillSlow() }
  }

  @inline(never)
  private mutating func refillSlow() {
    // Fast path: the next 8 bytes hold no FF (so no stuffing and no marker): take as
    // many whole bytes as the buffer has room for in one go.
    if position + 8 <= end {
      let word = UInt64(
        bigEndian: UnsafeRawPointer(data + position).loadUnaligned(as: UInt64.self))
      let inverted = ~word
      let hasFF = (inverted &- 0x0101_0101_0101_0101) & ~inverted & 0x8080_8080_8080_8080
      if hasFF == 0 {
        let taken = (64 - bitCount) >> 3
        let chunk = word &>> UInt64(64 - 8 * taken)
        buffer |= chunk &<< UInt64(64 - bitCount - 8 * taken)
        position += taken
        bitCount += 8 * taken
        return
      }
    }
    while bitCount <= 56 {
      var byte: UInt64 = 0
      if position < end {
        let value = data[position]
        if value != 0xFF {
          position += 1
          byte = UInt64(value)
        } else if position + 1 < count && data[position + 1] == 0x00 {
          position += 2
          byte = 0xFF
        } else {
          // A marker (or fill bytes before one): the scan's data ends here.
          end = position
        }
      } else if position >= count {
        ranPastEnd = true
      }
      buffer |= byte << UInt64(56 - bitCount)
      bitCount += 8
    }
  }

  /// The next `n` bits (1...16) without consuming them; the buffer must hold them.
  @inline(__always)
  func peek(_ n: Int) -> Int32 {
    Int32(truncatingIfNeeded: buffer &>> UInt64(64 - n))
  }

  @inline(__always)
  mutating func consume(_ n: Int) {
    buffer = buffer &<< UInt64(n)
    bitCount -= n
  }

  /// The next `n` bits (0...16) as an unsigned value.
  @inline(__always)
  mutating func bits(_ n: Int) -> Int32 {
    if n == 0 { return 0 }
    refill()
    let value = peek(n)
    consume(n)
    return value
  }

  /// One bit.
  @inline(__always)
  mutating func bit() -> Int32 {
    refill()
    let value = Int32(truncatingIfNeeded: buffer >> 63)
    consume(1)
    return value
  }

  /// Reads `size` (0...16) extra bits and maps them to a signed value (F.2.2.1 EXTEND).
  @inline(__always)
  mutating func receiveExtend(_ size: Int) -> Int32 {
    if size == 0 { return 0 }
    refill()
    let value = peek(size)
    consume(size)
    // Values whose top bit is 0 are negative: v - (2^size - 1).
    return value < Int32(1) << Int32(size - 1) ? value - (Int32(1) << Int32(size)) + 1 : value
  }

  /// `receiveExtend` without the refill check, right after `decode`: that left at least
  /// 57 - 16 = 41 bits in the buffer, more than the 16 a value can need.
  @inline(__always)
  mutating func extendBuffered(_ size: Int) -> Int32 {
    if size == 0 { return 0 }
    let value = peek(size)
    consume(size)
    let negative = value &>> Int32(size &- 1) == 0
    return negative ? value &- (Int32(1) &<< Int32(size)) &+ 1 : value
  }

  /// Decodes one Huffman symbol; nil for a bit pattern that is no code of the table.
  @inline(__always)
  mutating func decode(_ table: JPEGHuffmanLookup) -> Int? {
    refill()
    let entry = table.lookup[Int(peek(JPEGHuffmanTable.lookupBits))]
    if entry != 0 {
      consume(Int(entry >> 8))
      return Int(entry & 0xFF)
    }
    return decodeLong(table)
  }

  @inline(never)
  private mutating func decodeLong(_ table: JPEGHuffmanLookup) -> Int? {
    var length = JPEGHuffmanTable.lookupBits + 1
    while length <= 16 {
      let code = peek(length)
      if code <= table.maxCode[length] {
        consume(length)
        let index = Int(code + table.valueOffset[length])
        return index >= 0 && index < 256 ? Int(table.values[index]) : nil
      }
      length += 1
    }
    return nil
  }

  /// Drops buffered bits and resumes after the next restart marker (RST0-RST7), skipping
  /// any junk before it as libjpeg does. Returns false when another marker comes first:
  /// the reader then feeds zeros, like a premature end of the scan.
  mutating func restart() -> Bool {
    buffer = 0
    bitCount = 0
    var p = position
    while p + 1 < count {
      if data[p] == 0xFF {
        let code = data[p + 1]
        if code >= 0xD0 && code <= 0xD7 {
          position = p + 2
          end = count
          return true
        }
        if code != 0x00 && code != 0xFF {
          position = p
          end = p
          return false
        }
      }
      p += 1
    }
    position = count
    end = count
    return false
  }
}
