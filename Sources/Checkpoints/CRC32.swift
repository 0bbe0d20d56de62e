/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip entries record it.
public enum CRC32 {
  private static let table: [UInt32] = (0..<256).map { byte in
    var value = UInt32(byte)
    for _ in 0..<8 {
      value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1
    }
    return value
  }

  /// The checksum of `bytes`, continuing from `previous` (0 to start).
  public static func checksum(_ bytes: UnsafeRawBufferPointer, previous: UInt32 = 0) -> UInt32 {
    var crc = ~previous
    table.withUnsafeBufferPointer { table in
      for byte in bytes {
        crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
      }
    }
    return ~crc
  }

  /// The checksum of `bytes`.
  public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    if let result = bytes.withContiguousStorageIfAvailable({
      checksum(UnsafeRawBufferPointer($0))
    }) {
      return result
    }
    return Array(bytes).withUnsafeBytes { checksum($0) }
  }
}
