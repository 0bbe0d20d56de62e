import Checkpoints
import Foundation
import TestSupport

/// The manifest written by scripts/make_checkpoint_fixtures.py: for each fixture file,
/// its format, nesting and every tensor's key, dtype, shape and CRC-32.
enum CheckpointManifest {
  struct TensorRecord {
    var key: String
    var dtype: String
    var shape: [Int]
    var crc32: UInt32
  }

  static let url = Fixtures.url("checkpoints/manifest.json")

  static let entries: [String: [String: Any]] = {
    guard let data = try? Data(contentsOf: url),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
    else { return [:] }
    return object
  }()

  static func tensors(_ value: Any?) -> [TensorRecord] {
    (value as? [[String: Any]] ?? []).map {
      TensorRecord(
        key: $0["key"] as? String ?? "", dtype: $0["dtype"] as? String ?? "",
        shape: ($0["shape"] as? [Int]) ?? [], crc32: UInt32(($0["crc32"] as? Int) ?? -1))
    }
  }
}

/// The CRC-32 the fixture script records: of the values as little-endian float32
/// (floating dtypes) or int64 (integer and bool dtypes).
func fixtureChecksum(_ tensor: StoredTensor) -> UInt32 {
  switch tensor.values {
  case .float(let floats):
    return floats.withUnsafeBytes { CRC32.checksum($0) }
  case .integer(let integers):
    return integers.withUnsafeBytes { CRC32.checksum($0) }
  }
}

/// Hand-made pickles and legacy `.pth` files for the hostile-input tests.
enum Crafted {
  static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

  static func string(_ text: String) -> [UInt8] {
    let utf8 = Array(text.utf8)
    return [0x58] + le32(UInt32(utf8.count)) + utf8
  }

  static func global(_ module: String, _ name: String) -> [UInt8] {
    [0x63] + Array("\(module)\n\(name)\n".utf8)
  }

  /// BININT (4-byte signed) or LONG1 with 8 bytes.
  static func int(_ value: Int) -> [UInt8] {
    if let small = Int32(exactly: value) { return [0x4A] + le32(UInt32(bitPattern: small)) }
    return [0x8A, 8] + withUnsafeBytes(of: Int64(value).littleEndian) { Array($0) }
  }

  static func tuple(_ items: [[UInt8]]) -> [UInt8] {
    [0x28] + items.flatMap { $0 } + [0x74]
  }

  /// `_rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel, None), offset, shape,
  /// strides, False, OrderedDict())` as pickle opcodes.
  static func tensor(key: String, numel: Int, offset: Int = 0, shape: [Int], strides: [Int])
    -> [UInt8]
  {
    let pid =
      tuple([
        string("storage"), global("torch", "FloatStorage"), string(key),
        string("cpu"), int(numel), [0x4E],
      ]) + [0x51]
    return global("torch._utils", "_rebuild_tensor_v2")
      + tuple([
        pid, int(offset), tuple(shape.map(int)), tuple(strides.map(int)), [0x89],
        global("collections", "OrderedDict") + [0x29, 0x52],
      ]) + [0x52]
  }

  /// `{name: object}` as a complete protocol 2 pickle.
  static func pickle(dictWith entries: [(String, [UInt8])]) -> [UInt8] {
    [0x80, 0x02, 0x7D, 0x28] + entries.flatMap { string($0.0) + $0.1 } + [0x75, 0x2E]
  }

  /// A legacy `.pth`: magic, protocol 1001, system info, `object`, the storage keys,
  /// then each storage as an int64 element count and float32 values.
  static func legacyFile(object: [UInt8], storages: [(String, [Float])] = []) -> Data {
    var bytes: [UInt8] = [0x80, 0x02, 0x8A, 0x0A] + magic + [0x2E]
    bytes += [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
    bytes += [0x80, 0x02, 0x7D, 0x2E]
    bytes += object
    bytes += [0x80, 0x02, 0x5D, 0x28] + storages.flatMap { string($0.0) } + [0x65, 0x2E]
    for (_, values) in storages {
      bytes += withUnsafeBytes(of: Int64(values.count).littleEndian) { Array($0) }
      bytes += values.withUnsafeBytes { Array($0) }
    }
    return Data(bytes)
  }

  /// A safetensors file with the given JSON header and `dataLength` zero bytes of data.
  static func safetensors(header: String, dataLength: Int) -> Data {
    let json = Array(header.utf8)
    return Data(
      withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json
        + [UInt8](repeating: 0, count: dataLength))
  }

  static func le32(_ value: UInt32) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
  }
}

/// Runs `body`, returning the `CheckpointError` it throws (nil when it succeeds).
func checkpointError(_ body: () throws -> Void) -> CheckpointError? {
  do {
    try body()
    return nil
  } catch let error as CheckpointError {
    return error
  } catch {
    return .io(file: "unexpected error type", reason: "\(error)")
  }
}
