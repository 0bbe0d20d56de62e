import Foundation

/// Writes safetensors, the project's native checkpoint format: tensors in the given
/// order (their data too, so reading back preserves state-dict order) and string
/// metadata such as the epoch, the architecture and the run's settings. The header is
/// padded with spaces to a multiple of 8 bytes, as the reference implementation does.
/// Floating tensors are written as F32; integer and bool tensors keep their dtype.
public enum SafetensorsWriter {
  /// Writes `tensors` and `metadata` to `url`, atomically. Names must be unique.
  public static func write(
    tensors: [NamedTensor], metadata: [String: String] = [:], to url: URL
  ) throws {
    precondition(
      Set(tensors.map(\.name)).count == tensors.count, "SafetensorsWriter: duplicate tensor names")
    var fields: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key < $1.key }.map {
        JSONText.quote($0.key) + ":" + JSONText.quote($0.value)
      }
      fields.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
    }
    var offset = 0
    for named in tensors {
      let dtype = writtenDType(named.tensor)
      let size = named.tensor.elementCount * dtype.byteWidth
      let shape = named.tensor.shape.map(String.init).joined(separator: ",")
      fields.append(
        JSONText.quote(named.name) + ":{\"dtype\":\"\(dtype.safetensorsName)\","
          + "\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
      offset += size
    }
    var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)

    let output = try AtomicOutputFile(url)
    try output.write(littleEndian: UInt64(header.count))
    try output.write(header)
    for named in tensors {
      try withLittleEndianBytes(of: named.tensor) { try output.write($0) }
    }
    try output.commit()
  }

  /// Writes `checkpoint` (model tensors, optimizer state, epoch, loss, nesting and
  /// metadata; see `Checkpoint+Safetensors.swift` for the naming).
  public static func write(_ checkpoint: Checkpoint, to url: URL) throws {
    let contents = checkpoint.safetensorsContents
    try write(tensors: contents.tensors, metadata: contents.metadata, to: url)
  }
}
