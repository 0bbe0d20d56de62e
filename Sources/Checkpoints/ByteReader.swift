/// A bounds-checked little-endian cursor over bytes that someone else keeps alive (a
/// mapped file or a `Data` inside `withUnsafeBytes`). Every read checks the remaining
/// length first and throws `.truncated` with the offset, so hostile sizes never read
/// past the end.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  var position: Int = 0

  init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
    self.bytes = bytes
    self.position = position
  }

  var remaining: Int { bytes.count - position }
  var isAtEnd: Bool { position >= bytes.count }

  /// The next `count` bytes, advancing past them.
  mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
    guard count >= 0, count <= remaining else {
      throw CheckpointError.truncated(
        file: "", offset: position, needed: count, available: max(remaining, 0))
    }
    let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    position += count
    return slice
  }

  mutating func uint8() throws -> UInt8 {
    try take(1)[0]
  }

  mutating func uint16() throws -> UInt16 {
    UInt16(littleEndianBytes: try take(2))
  }

  mutating func uint32() throws -> UInt32 {
    UInt32(littleEndianBytes: try take(4))
  }

  mutating func uint64() throws -> UInt64 {
    UInt64(littleEndianBytes: try take(8))
  }

  /// A byte count read as UInt64 that must fit an `Int` (it is then checked against the
  /// remaining length by `take`).
  mutating func length64() throws -> Int {
    let start = position
    let value = try uint64()
    guard value <= UInt64(Int.max) else {
      throw CheckpointError.malformed(
        file: "", offset: start, expected: "a length below 2^63", found: "\(value)")
    }
    return Int(value)
  }

  /// Bytes up to (not including) the next newline, which is consumed.
  mutating func line() throws -> UnsafeRawBufferPointer {
    let start = position
    guard let end = bytes[start...].firstIndex(of: 0x0A) else {
      throw CheckpointError.truncated(
        file: "", offset: start, needed: remaining + 1, available: remaining)
    }
    let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    position = end + 1
    return slice
  }
}

extension FixedWidthInteger {
  /// The integer stored little-endian in the first `MemoryLayout<Self>.size` bytes.
  init(littleEndianBytes bytes: UnsafeRawBufferPointer) {
    var value: Self = 0
    for index in (0..<MemoryLayout<Self>.size).reversed() {
      value = (value << 8) | Self(bytes[index])
    }
    self = value
  }
}

/// A short printable rendering of bytes for error messages: ASCII stays, the rest is
/// hex, at most `limit` bytes.
func preview(_ bytes: UnsafeRawBufferPointer, limit: Int = 16) -> String {
  let shown = bytes.prefix(limit)
  let printable = shown.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
  if printable && !shown.isEmpty {
    return "'" + String(decoding: shown, as: UTF8.self) + "'"
  }
  return shown.map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
    + (bytes.count > limit ? " ..." : "")
}

extension String {
  func leftPadded(to width: Int, with pad: Character = "0") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}
