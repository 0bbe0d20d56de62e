import Foundation

/// Writes `.pth` files in PyTorch's zip format, as `torch.save` does, so that
/// `torch.load(path, weights_only=True)` reads them: a protocol 2 pickle
/// (`<archive>/data.pkl`) whose tensors are `torch._utils._rebuild_tensor_v2` calls on
/// persistent ids `('storage', torch.FloatStorage, key, 'cpu', numel)`, one stored entry
/// `<archive>/data/<key>` per tensor, and the `version`, `byteorder`, `.format_version`,
/// `.storage_alignment` records.
///
/// Floating tensors are written as float32 (the values this toolkit holds); integer and
/// bool tensors keep their dtype.
public enum PthWriter {
  /// The record name under which entries are stored (torch accepts any).
  static let archiveName = "archive"

  /// Writes `checkpoint` with the layout its `nesting` names. For `.modelStateDict` this
  /// is the reference's `{'epoch', 'model_state_dict', 'optimizer_state_dict', 'loss'}`
  /// (keys present only when set); a bare checkpoint is written as an OrderedDict.
  public static func write(_ checkpoint: Checkpoint, to url: URL, forceZip64: Bool = false)
    throws
  {
    try write(root: pickleRoot(of: checkpoint), to: url, forceZip64: forceZip64)
  }

  /// Writes any object made of plain values and tensors (for instance the `root` of a
  /// checkpoint read from a `.pth`), atomically.
  public static func write(root: PickleValue, to url: URL, forceZip64: Bool = false) throws {
    var pickler = TorchPickler()
    pickler.pickle(root)
    let output = try AtomicOutputFile(url)
    var zip = ZipWriter(file: output, forceZip64: forceZip64)
    let prefix = archiveName + "/"
    try pickler.bytes.withUnsafeBytes { try zip.add(prefix + "data.pkl", $0) }
    try zip.add(prefix + ".format_version", "1")
    try zip.add(prefix + ".storage_alignment", "\(ZipWriter.alignment)")
    try zip.add(prefix + "byteorder", "little")
    for (key, tensor) in pickler.storages.enumerated() {
      try withLittleEndianBytes(of: tensor) { try zip.add(prefix + "data/\(key)", $0) }
    }
    try zip.add(prefix + "version", "3\n")
    try zip.add(prefix + ".data/serialization_id", serializationID())
    try zip.finish()
    try output.commit()
  }

  /// The object `torch.save` would have been given for `checkpoint`.
  static func pickleRoot(of checkpoint: Checkpoint) -> PickleValue {
    let stateDict = PickleValue.dict(
      checkpoint.tensors.map { PickleEntry(.string($0.name), .tensor($0.tensor)) },
      ordered: true)
    guard let key = checkpoint.nesting.key else { return stateDict }
    var entries: [PickleEntry] = []
    if let epoch = checkpoint.epoch { entries.append(PickleEntry(.string("epoch"), .int(epoch))) }
    entries.append(PickleEntry(.string(key), stateDict))
    if let optimizer = checkpoint.optimizer {
      entries.append(PickleEntry(.string("optimizer_state_dict"), optimizer.pickleValue))
    }
    if let loss = checkpoint.loss { entries.append(PickleEntry(.string("loss"), .float(loss))) }
    return .dict(entries, ordered: false)
  }

  private static func serializationID() -> String {
    (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max)) }.joined().prefix(40)
      .description
  }
}

/// Runs `body` on the tensor's elements as stored on disk: little-endian float32 for
/// floating tensors, the dtype's width for integer ones.
func withLittleEndianBytes<R>(
  of tensor: StoredTensor, _ body: (UnsafeRawBufferPointer) throws -> R
) rethrows -> R {
  switch tensor.values {
  case .float(let floats):
    #if _endian(little)
      return try floats.withUnsafeBytes(body)
    #else
      return try floats.map { $0.bitPattern.littleEndian }.withUnsafeBytes(body)
    #endif
  case .integer(let integers):
    var bytes: [UInt8] = []
    bytes.reserveCapacity(integers.count * tensor.dtype.byteWidth)
    for value in integers {
      switch tensor.dtype.byteWidth {
      case 8: bytes += le(value)
      case 4: bytes += le(Int32(truncatingIfNeeded: value))
      case 2: bytes += le(Int16(truncatingIfNeeded: value))
      default: bytes.append(UInt8(truncatingIfNeeded: value))
      }
    }
    return try bytes.withUnsafeBytes(body)
  }
}

/// The on-disk dtype of a tensor this toolkit writes.
func writtenDType(_ tensor: StoredTensor) -> StoredDType {
  tensor.dtype.isFloatingPoint ? .float32 : tensor.dtype
}
