/// Writes a zip archive of stored entries the way PyTorch's `PyTorchStreamWriter` does:
/// each entry's data starts on a 64-byte boundary (the local header's extra field is
/// padded with a `FB` record), sizes and CRC-32 are in the local header (no data
/// descriptors), and ZIP64 records appear when an offset or size needs them (or always,
/// with `forceZip64`, which tests use to exercise the reader).
struct ZipWriter {
  static let alignment = 64
  private static let saturated32: UInt32 = 0xFFFF_FFFF

  private struct Record {
    var name: [UInt8]
    var size: Int
    var crc32: UInt32
    var offset: Int
  }

  private let file: AtomicOutputFile
  private let forceZip64: Bool
  private var records: [Record] = []

  init(file: AtomicOutputFile, forceZip64: Bool = false) {
    self.file = file
    self.forceZip64 = forceZip64
  }

  /// Adds an entry holding `data`.
  mutating func add(_ name: String, _ data: UnsafeRawBufferPointer) throws {
    let nameBytes = Array(name.utf8)
    let offset = file.offset
    let crc = CRC32.checksum(data)
    let zip64 = forceZip64 || data.count >= Int(Self.saturated32)

    var extra: [UInt8] = []
    if zip64 {
      extra += le(UInt16(1)) + le(UInt16(16)) + le(UInt64(data.count)) + le(UInt64(data.count))
    }
    // Pad so the data lands on the alignment: header 30 + name + extra + padding record.
    let unpadded = offset + 30 + nameBytes.count + extra.count + 4
    let padding = (Self.alignment - unpadded % Self.alignment) % Self.alignment
    extra += le(UInt16(0x4246)) + le(UInt16(padding)) + [UInt8](repeating: 0x5A, count: padding)

    let size32 = zip64 ? Self.saturated32 : UInt32(data.count)
    var header: [UInt8] = le(UInt32(ZipArchive.localHeaderSignature))
    header += le(UInt16(zip64 ? 45 : 20)) + le(UInt16(0x0800)) + le(UInt16(0))
    header += le(UInt16(0)) + le(UInt16(0x21))  // 00:00, 1980-01-01
    header += le(crc) + le(size32) + le(size32)
    header += le(UInt16(nameBytes.count)) + le(UInt16(extra.count))
    try file.write(header + nameBytes + extra)
    try file.write(data)
    records.append(Record(name: nameBytes, size: data.count, crc32: crc, offset: offset))
  }

  mutating func add(_ name: String, _ text: String) throws {
    try Array(text.utf8).withUnsafeBytes { try add(name, $0) }
  }

  /// Writes the central directory and the end records.
  func finish() throws {
    let directoryStart = file.offset
    for record in records {
      let zip64 =
        forceZip64 || record.size >= Int(Self.saturated32)
        || record.offset >= Int(Self.saturated32)
      var extra: [UInt8] = []
      if zip64 {
        extra =
          le(UInt16(1)) + le(UInt16(24)) + le(UInt64(record.size)) + le(UInt64(record.size))
          + le(UInt64(record.offset))
      }
      let size32 = zip64 ? Self.saturated32 : UInt32(record.size)
      let offset32 = zip64 ? Self.saturated32 : UInt32(record.offset)
      var header: [UInt8] = le(UInt32(ZipArchive.centralHeaderSignature))
      header += le(UInt16(zip64 ? 45 : 20)) + le(UInt16(zip64 ? 45 : 20))
      header += le(UInt16(0x0800)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0x21))
      header += le(record.crc32) + le(size32) + le(size32)
      header += le(UInt16(record.name.count)) + le(UInt16(extra.count)) + le(UInt16(0))
      header += le(UInt16(0)) + le(UInt16(0)) + le(UInt32(0)) + le(offset32)
      try file.write(header + record.name + extra)
    }
    let directorySize = file.offset - directoryStart
    let zip64End =
      forceZip64 || records.count >= 0xFFFF
      || directoryStart >= Int(Self.saturated32) || directorySize >= Int(Self.saturated32)
    if zip64End {
      let recordStart = file.offset
      var record: [UInt8] = le(UInt32(ZipArchive.zip64EndSignature)) + le(UInt64(44))
      record += le(UInt16(45)) + le(UInt16(45)) + le(UInt32(0)) + le(UInt32(0))
      record += le(UInt64(records.count)) + le(UInt64(records.count))
      record += le(UInt64(directorySize)) + le(UInt64(directoryStart))
      record += le(UInt32(ZipArchive.zip64LocatorSignature)) + le(UInt32(0))
      record += le(UInt64(recordStart)) + le(UInt32(1))
      try file.write(record)
    }
    let count16 = zip64End ? UInt16(0xFFFF) : UInt16(records.count)
    var end: [UInt8] = le(UInt32(ZipArchive.endSignature)) + le(UInt16(0)) + le(UInt16(0))
    end += le(count16) + le(count16)
    end += le(zip64End ? Self.saturated32 : UInt32(directorySize))
    end += le(zip64End ? Self.saturated32 : UInt32(directoryStart)) + le(UInt16(0))
    try file.write(end)
  }
}

/// The little-endian bytes of `value`.
func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
  withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
