/// The entries of a zip archive as PyTorch writes them: stored (uncompressed), possibly
/// with data descriptors and ZIP64 records (APPNOTE.TXT 6.3, sections 4.3 and 4.5.3).
///
/// Every offset and size is checked against the archive's length before use. Only
/// stored entries are supported: `torch.save` never compresses, so a compressed entry
/// fails with `.unsupported`.
struct ZipArchive {
  struct Entry {
    var name: String
    /// Where the entry's bytes start in the archive, and how many there are.
    var dataOffset: Int
    var size: Int
    var crc32: UInt32
  }

  private(set) var entries: [Entry] = []
  private var index: [String: Int] = [:]

  static let localHeaderSignature: UInt32 = 0x0403_4B50
  static let centralHeaderSignature: UInt32 = 0x0201_4B50
  static let endSignature: UInt32 = 0x0605_4B50
  static let zip64EndSignature: UInt32 = 0x0606_4B50
  static let zip64LocatorSignature: UInt32 = 0x0706_4B50

  init(_ bytes: UnsafeRawBufferPointer) throws {
    let end = try Self.findEnd(bytes)
    var reader = ByteReader(bytes, position: end + 4)
    let disk = try reader.uint16()
    let directoryDisk = try reader.uint16()
    _ = try reader.uint16()
    var count = Int(try reader.uint16())
    var directorySize = Int(try reader.uint32())
    var directoryOffset = Int(try reader.uint32())
    guard disk == 0, directoryDisk == 0 || directoryDisk == 0xFFFF else {
      throw CheckpointError.unsupported(file: "", offset: end, feature: "multi-disk zip archive")
    }

    // ZIP64: a locator just before the end record points at the ZIP64 end record,
    // whose 64-bit fields replace the saturated 16- and 32-bit ones.
    if end >= 20 {
      var locator = ByteReader(bytes, position: end - 20)
      if try locator.uint32() == Self.zip64LocatorSignature {
        _ = try locator.uint32()
        let recordOffset = try locator.length64()
        var record = ByteReader(bytes, position: min(recordOffset, bytes.count))
        guard try record.uint32() == Self.zip64EndSignature else {
          throw Self.malformed(
            recordOffset, "a ZIP64 end of central directory record", "other bytes")
        }
        _ = try record.uint64()  // record size
        _ = try record.uint32()  // versions made by and needed
        _ = try record.uint32()  // this disk
        _ = try record.uint32()  // disk of the central directory
        _ = try record.uint64()  // entries on this disk
        count = try record.length64()
        directorySize = try record.length64()
        directoryOffset = try record.length64()
      }
    }
    guard directoryOffset <= end, directorySize <= end - directoryOffset else {
      throw Self.malformed(
        end, "a central directory inside the archive's \(end) bytes",
        "offset \(directoryOffset), size \(directorySize)")
    }
    // Each central header is at least 46 bytes, which bounds the count a file can claim.
    guard count <= directorySize / 46 else {
      throw Self.malformed(end, "at most \(directorySize / 46) entries", "\(count)")
    }
    var directory = ByteReader(
      UnsafeRawBufferPointer(rebasing: bytes[0..<(directoryOffset + directorySize)]),
      position: directoryOffset)
    entries.reserveCapacity(count)
    for _ in 0..<count {
      let entry = try Self.readCentralHeader(&directory, archive: bytes, dataLimit: directoryOffset)
      index[entry.name] = entries.count
      entries.append(entry)
    }
  }

  /// The entry named `name`, if any.
  func entry(_ name: String) -> Entry? {
    index[name].map { entries[$0] }
  }

  /// The end of central directory record: the last signature in the final 64 KiB + 22
  /// bytes (the record is 22 bytes plus a comment of up to 65535).
  private static func findEnd(_ bytes: UnsafeRawBufferPointer) throws -> Int {
    guard bytes.count >= 22 else {
      throw CheckpointError.truncated(
        file: "", offset: 0, needed: 22, available: bytes.count)
    }
    let lowest = max(0, bytes.count - 22 - 65535)
    var position = bytes.count - 22
    while position >= lowest {
      if bytes[position] == 0x50 && bytes[position + 1] == 0x4B && bytes[position + 2] == 0x05
        && bytes[position + 3] == 0x06
      {
        return position
      }
      position -= 1
    }
    throw Self.malformed(bytes.count - 22, "a zip end of central directory record", "none")
  }

  private static func readCentralHeader(
    _ reader: inout ByteReader, archive: UnsafeRawBufferPointer, dataLimit: Int
  ) throws -> Entry {
    let start = reader.position
    guard try reader.uint32() == centralHeaderSignature else {
      throw Self.malformed(start, "a central directory header", "other bytes")
    }
    _ = try reader.uint16()
    _ = try reader.uint16()
    let flags = try reader.uint16()
    let method = try reader.uint16()
    _ = try reader.uint32()
    let crc = try reader.uint32()
    var compressedSize = UInt64(try reader.uint32())
    var size = UInt64(try reader.uint32())
    let nameLength = Int(try reader.uint16())
    let extraLength = Int(try reader.uint16())
    let commentLength = Int(try reader.uint16())
    _ = try reader.uint16()
    _ = try reader.uint16()
    _ = try reader.uint32()
    var localOffset = UInt64(try reader.uint32())
    let nameBytes = try reader.take(nameLength)
    let name = String(decoding: nameBytes, as: UTF8.self)
    var extra = ByteReader(try reader.take(extraLength))
    _ = try reader.take(commentLength)

    // ZIP64 extended information (header 0x0001) holds, in this order, each of the
    // fields whose 32-bit value is saturated (APPNOTE 4.5.3).
    while extra.remaining >= 4 {
      let id = try extra.uint16()
      let length = Int(try extra.uint16())
      var field = ByteReader(try extra.take(length))
      guard id == 0x0001 else { continue }
      if size == 0xFFFF_FFFF { size = try field.uint64() }
      if compressedSize == 0xFFFF_FFFF { compressedSize = try field.uint64() }
      if localOffset == 0xFFFF_FFFF { localOffset = try field.uint64() }
    }
    guard flags & 1 == 0 else {
      throw CheckpointError.unsupported(file: name, offset: start, feature: "encrypted entry")
    }
    guard method == 0 else {
      throw CheckpointError.unsupported(
        file: name, offset: start, feature: "compressed entry (method \(method))")
    }
    guard size == compressedSize, size <= UInt64(dataLimit), localOffset < UInt64(dataLimit)
    else {
      throw Self.malformed(
        start, "an entry inside the archive's first \(dataLimit) bytes",
        "'\(name)' at \(localOffset), \(compressedSize) bytes stored, \(size) bytes")
    }

    // The local header repeats the name and has its own extra field (torch pads it so
    // the data is 64-byte aligned); its sizes may be zero when a data descriptor
    // follows the data, so the central directory's sizes are the ones used.
    var local = ByteReader(archive, position: Int(localOffset))
    guard try local.uint32() == localHeaderSignature else {
      throw Self.malformed(Int(localOffset), "a local file header for '\(name)'", "other bytes")
    }
    local.position += 22
    let localNameLength = Int(try local.uint16())
    let localExtraLength = Int(try local.uint16())
    let dataOffset = Int(localOffset) + 30 + localNameLength + localExtraLength
    guard dataOffset <= dataLimit, Int(size) <= dataLimit - dataOffset else {
      throw Self.malformed(
        Int(localOffset), "data of '\(name)' inside the archive",
        "\(size) bytes at offset \(dataOffset), beyond \(dataLimit)")
    }
    return Entry(name: name, dataOffset: dataOffset, size: Int(size), crc32: crc)
  }

  private static func malformed(_ at: Int, _ expected: String, _ found: String)
    -> CheckpointError
  {
    .malformed(file: "", offset: at, expected: expected, found: found)
  }
}
