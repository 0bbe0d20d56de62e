/// Reads the two layouts `torch.save` has written, returning the saved object with its
/// tensors decoded to Float32/Int64.
///
/// - Zip (PyTorch 1.6 and later): `<prefix>/data.pkl` is the pickled object, whose
///   persistent ids `('storage', torch.FloatStorage, key, location, numel)` name
///   `<prefix>/data/<key>` entries of raw little-endian elements; `<prefix>/byteorder`
///   says `little` (absent in old files, which were little-endian).
/// - Legacy (`_use_new_zipfile_serialization=False`, and files from before 1.6): five
///   pickles in a row (magic number, protocol version 1001, system info, the object,
///   the list of storage keys), then for each key an int64 element count and the raw
///   elements. Persistent ids carry a sixth field, view metadata.
enum TorchFileReader {
  /// The legacy format's magic number 0x1950a86a20f9469cfc6c, as the little-endian
  /// bytes of the pickled int.
  static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

  /// `release` is called with each byte range that has been converted, so a mapped file
  /// can give those pages back.
  static func readZip(_ bytes: UnsafeRawBufferPointer, release: (Range<Int>) -> Void) throws
    -> PickleValue
  {
    let archive = try ZipArchive(bytes)
    guard
      let pickle = archive.entries.first(where: {
        $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2
      })
    else {
      throw CheckpointError.malformed(
        file: "", offset: 0, expected: "a '<name>/data.pkl' entry",
        found: archive.entries.prefix(4).map(\.name).joined(separator: ", "))
    }
    let prefix = String(pickle.name.dropLast("data.pkl".count))
    if let order = archive.entry(prefix + "byteorder") {
      let text = String(decoding: entryBytes(order, in: bytes), as: UTF8.self)
      guard text == "little" else {
        throw CheckpointError.unsupported(
          file: order.name, offset: 0, feature: "byte order '\(text)' (only little-endian)")
      }
    }
    let pickleBytes = entryBytes(pickle, in: bytes)
    guard CRC32.checksum(pickleBytes) == pickle.crc32 else {
      throw CheckpointError.malformed(
        file: pickle.name, offset: 0, expected: "CRC-32 \(pickle.crc32)",
        found: "\(CRC32.checksum(pickleBytes)) (the entry is corrupt)")
    }

    var reader = PickleReader(pickleBytes) { pid, at in
      let storage = try storageReference(pid, fields: 5, at: at)
      guard let entry = archive.entry(prefix + "data/" + storage.key) else {
        throw CheckpointError.malformed(
          file: "", offset: at, expected: "an entry '\(prefix)data/\(storage.key)'",
          found: "none")
      }
      try checkStorage(storage, holds: entry.size, at: at)
      return storage
    }
    let node = try naming(pickle.name) { try reader.readObject() }
    return try naming(pickle.name) {
      try reader.graph.value(of: node) { box in
        let entry = archive.entry(prefix + "data/" + box.storage.key)!
        let tensor = try box.view.decode(from: entryBytes(entry, in: bytes), at: box.position)
        release(entry.dataOffset..<(entry.dataOffset + entry.size))
        return tensor
      }
    }
  }

  static func readLegacy(_ bytes: UnsafeRawBufferPointer, release: (Range<Int>) -> Void)
    throws -> PickleValue
  {
    var storages: [String: StorageReference] = [:]
    var reader = PickleReader(bytes) { pid, at in
      var storage = try storageReference(pid, fields: 6, at: at)
      if let previous = storages[storage.key], previous.dtype != storage.dtype {
        throw CheckpointError.malformed(
          file: "", offset: at, expected: "one dtype for storage '\(storage.key)'",
          found: "\(previous.dtype) and \(storage.dtype)")
      }
      storages[storage.key] = storage
      if case .tuple(let view) = try viewMetadata(pid), view.items.count == 3,
        case .string(let root) = view.items[0], case .int(let offset) = view.items[1],
        case .int(let size) = view.items[2], offset >= 0, size >= 0
      {
        // A view into storage `root`, `size` elements from `offset` on.
        let end = offset.addingReportingOverflow(size)
        guard !end.overflow else {
          throw CheckpointError.malformed(
            file: "", offset: at, expected: "a storage view below 2^63", found: "\(offset)")
        }
        storage = StorageReference(
          key: root, dtype: storage.dtype, count: end.partialValue, elementOffset: offset)
        storages[root] = storages[root] ?? storage
      }
      return storage
    }

    let magic = try reader.readObject()
    guard case .bigInt(let magicBytes) = magic, magicBytes == legacyMagic else {
      throw CheckpointError.unknownFormat(
        file: "", found: "a pickle without the torch magic number")
    }
    let protocolStart = reader.position
    guard case .int(1001) = try reader.readObject() else {
      throw CheckpointError.malformed(
        file: "", offset: protocolStart, expected: "legacy protocol version 1001",
        found: "another value")
    }
    let infoStart = reader.position
    let info = try reader.graph.value(of: try reader.readObject()) { _ in
      throw CheckpointError.malformed(
        file: "", offset: infoStart, expected: "system info", found: "a tensor")
    }
    if case .bool(false) = info["little_endian"] ?? .none {
      throw CheckpointError.unsupported(
        file: "", offset: infoStart, feature: "big-endian legacy checkpoint")
    }
    let object = try reader.readObject()
    let keysStart = reader.position
    let keys = try reader.graph.value(of: try reader.readObject()) { _ in
      throw CheckpointError.malformed(
        file: "", offset: keysStart, expected: "a list of storage keys", found: "a tensor")
    }

    // The raw storages follow, in the order of the key list.
    var input = ByteReader(bytes, position: reader.position)
    var ranges: [String: Range<Int>] = [:]
    for key in keys.items ?? [] {
      let countStart = input.position
      guard case .string(let name) = key, let storage = storages[name] else {
        throw CheckpointError.malformed(
          file: "", offset: keysStart, expected: "keys of pickled storages",
          found: key.kindDescription)
      }
      let count = try input.length64()
      try checkStorage(
        StorageReference(key: name, dtype: storage.dtype, count: count), holds: input.remaining,
        at: countStart)
      let start = input.position
      _ = try input.take(count * storage.dtype.byteWidth)
      ranges[name] = start..<input.position
    }

    return try reader.graph.value(of: object) { box in
      guard let range = ranges[box.storage.key] else {
        throw CheckpointError.malformed(
          file: "", offset: box.position,
          expected: "raw data for storage '\(box.storage.key)'", found: "none")
      }
      let data = UnsafeRawBufferPointer(rebasing: bytes[range])
      try checkStorage(box.storage, holds: data.count, at: box.position)
      let tensor = try box.view.decode(from: data, at: box.position)
      release(range)
      return tensor
    }
  }

  /// The storage a persistent id names: `('storage', <typed storage class>, key,
  /// location, numel[, view metadata])`.
  private static func storageReference(_ pid: PickleNode, fields: Int, at: Int) throws
    -> StorageReference
  {
    guard case .tuple(let box) = pid, box.items.count == fields,
      case .string("storage") = box.items[0]
    else {
      throw CheckpointError.malformed(
        file: "", offset: at, expected: "a persistent id ('storage', type, key, location, size)",
        found: pid.kind)
    }
    guard case .global(.storageType(let dtype)) = box.items[1] else {
      throw CheckpointError.malformed(
        file: "", offset: at, expected: "a typed storage class", found: box.items[1].kind)
    }
    guard case .string(let key) = box.items[2], case .int(let count) = box.items[4], count >= 0
    else {
      throw CheckpointError.malformed(
        file: "", offset: at, expected: "a string key and a non-negative size",
        found: "\(box.items[2].kind), \(box.items[4].kind)")
    }
    return StorageReference(key: key, dtype: dtype, count: count)
  }

  private static func viewMetadata(_ pid: PickleNode) throws -> PickleNode {
    guard case .tuple(let box) = pid, box.items.count == 6 else { return .none }
    return box.items[5]
  }

  /// Checks that `count` elements of the storage's dtype fit in `available` bytes.
  private static func checkStorage(_ storage: StorageReference, holds available: Int, at: Int)
    throws
  {
    let bytes = storage.count.multipliedReportingOverflow(by: storage.dtype.byteWidth)
    guard !bytes.overflow, bytes.partialValue <= available else {
      throw CheckpointError.malformed(
        file: "", offset: at,
        expected: "storage '\(storage.key)' of \(storage.count) \(storage.dtype) elements "
          + "within the \(available) bytes present",
        found: bytes.overflow ? "a byte size above 2^63" : "\(bytes.partialValue) bytes needed")
    }
  }

  private static func entryBytes(_ entry: ZipArchive.Entry, in bytes: UnsafeRawBufferPointer)
    -> UnsafeRawBufferPointer
  {
    UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.size)])
  }
}
