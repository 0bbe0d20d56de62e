import Foundation

/// The container a checkpoint was read from or is written to.
public enum CheckpointFormat: String, Sendable {
  /// PyTorch's pickle-stream format (before 1.6, or `_use_new_zipfile_serialization=False`).
  case legacyPth = "pth-legacy"
  /// PyTorch's zip format (`torch.save` since 1.6).
  case zipPth = "pth-zip"
  case safetensors
}

/// Where the model's state dict sits in the saved object.
public enum CheckpointNesting: String, Sendable {
  /// The object is the state dict (`resnet50-19c8e357.pth`, ViT-L in21k).
  case bare
  /// `{'model': sd}` (the DeiT checkpoints).
  case model
  /// `{'state_dict': sd, ...}`.
  case stateDict = "state_dict"
  /// `{'epoch', 'model_state_dict', 'optimizer_state_dict', 'loss'}`: the reference's
  /// `epoch_{e}_checkpoints.pth.tar`.
  case modelStateDict = "model_state_dict"

  /// The dict key holding the state dict, nil for `bare`.
  public var key: String? { self == .bare ? nil : rawValue }
}

/// A tensor and its state-dict name.
public struct NamedTensor: Equatable, Sendable {
  public var name: String
  public var tensor: StoredTensor

  public init(_ name: String, _ tensor: StoredTensor) {
    self.name = name
    self.tensor = tensor
  }
}

/// A checkpoint as named tensors plus what training needs to resume: the model's state
/// dict in its saved order (models register parameters in that order), the epoch, the
/// loss and the optimizer state. Read with `load(contentsOf:)`; write with
/// `SafetensorsWriter` or `PthWriter`.
public struct Checkpoint: Equatable, Sendable {
  public var format: CheckpointFormat
  public var nesting: CheckpointNesting
  /// The model's state dict, in file order, without DataParallel's `module.` prefix.
  public var tensors: [NamedTensor]
  public var epoch: Int?
  public var loss: Double?
  public var optimizer: OptimizerState?
  /// safetensors `__metadata__` (string pairs such as architecture or settings).
  public var metadata: [String: String]
  /// Whether every key had a `module.` prefix, which was removed.
  public var strippedModulePrefix: Bool
  /// The whole pickled object of a `.pth` file (nil for safetensors), for inspection.
  public var root: PickleValue?

  public init(
    tensors: [NamedTensor], nesting: CheckpointNesting = .bare, epoch: Int? = nil,
    loss: Double? = nil, optimizer: OptimizerState? = nil, metadata: [String: String] = [:]
  ) {
    self.format = .safetensors
    self.nesting = nesting
    self.tensors = tensors
    self.epoch = epoch
    self.loss = loss
    self.optimizer = optimizer
    self.metadata = metadata
    self.strippedModulePrefix = false
    self.root = nil
  }

  /// The model tensor called `name`, if present.
  public subscript(name: String) -> StoredTensor? {
    tensors.first { $0.name == name }?.tensor
  }

  /// Elements in the model's floating-point tensors (parameters and float buffers).
  public var parameterCount: Int {
    tensors.reduce(0) { $0 + ($1.tensor.dtype.isFloatingPoint ? $1.tensor.elementCount : 0) }
  }

  /// Reads a `.pth`, `.pth.tar` or `.safetensors` file, recognised by its first bytes.
  /// The file is memory-mapped and each storage's pages are released once converted, so
  /// the peak is about the converted tensors plus one storage.
  public static func load(contentsOf url: URL) throws -> Checkpoint {
    let file = try MappedFile(url: url)
    return try naming(url.lastPathComponent) {
      try read(file.bytes, release: file.releasePages)
    }
  }

  /// Reads a checkpoint held in memory; `name` is used in error messages.
  public static func decode(_ data: Data, name: String = "<memory>") throws -> Checkpoint {
    try data.withUnsafeBytes { bytes in
      try naming(name) { try read(bytes, release: { _ in }) }
    }
  }

  /// The format `bytes` are in, from their first bytes.
  static func detectFormat(_ bytes: UnsafeRawBufferPointer) throws -> CheckpointFormat {
    guard bytes.count >= 8 else {
      throw CheckpointError.truncated(file: "", offset: 0, needed: 8, available: bytes.count)
    }
    if bytes[0] == 0x50 && bytes[1] == 0x4B && (bytes[2], bytes[3]) == (0x03, 0x04) {
      return .zipPth
    }
    if bytes.count > 262
      && Array(bytes[257..<262]) == Array("ustar".utf8)
    {
      throw CheckpointError.unsupported(
        file: "", offset: 257, feature: "tar checkpoint (PyTorch before 0.1.10)")
    }
    // Safetensors first: a header of 128 + 256k bytes starts the file with 0x80, the
    // pickle PROTO opcode, while a legacy pickle never passes the safetensors test.
    if SafetensorsReader.looksLike(bytes) { return .safetensors }
    if bytes[0] == PickleOpcode.proto { return .legacyPth }
    throw CheckpointError.unknownFormat(
      file: "", found: preview(UnsafeRawBufferPointer(rebasing: bytes[0..<8])))
  }

  static func read(_ bytes: UnsafeRawBufferPointer, release: (Range<Int>) -> Void) throws
    -> Checkpoint
  {
    let format = try detectFormat(bytes)
    switch format {
    case .zipPth:
      return try Checkpoint(
        root: try TorchFileReader.readZip(bytes, release: release), format: format)
    case .legacyPth:
      return try Checkpoint(
        root: try TorchFileReader.readLegacy(bytes, release: release), format: format)
    case .safetensors:
      return Checkpoint(safetensors: try SafetensorsReader.read(bytes, release: release))
    }
  }

  /// Interprets a pickled object: finds the state dict and the training extras.
  init(root: PickleValue, format: CheckpointFormat) throws {
    guard root.entries != nil else {
      throw CheckpointError.malformed(
        file: "", offset: 0, expected: "a dict at the top of the pickle",
        found: root.kindDescription)
    }
    var nesting = CheckpointNesting.bare
    var stateDict = root
    for candidate in [CheckpointNesting.modelStateDict, .stateDict, .model] {
      if let value = root[candidate.rawValue], value.entries != nil {
        nesting = candidate
        stateDict = value
        break
      }
    }
    var tensors: [NamedTensor] = []
    for entry in stateDict.entries ?? [] {
      if case .string(let name) = entry.key, case .tensor(let tensor) = entry.value {
        tensors.append(NamedTensor(name, tensor))
      }
    }
    self.init(tensors: tensors, nesting: nesting)
    self.format = format
    self.root = root
    if nesting != .bare {
      epoch = root["epoch"]?.intValue
      loss = root["loss"]?.doubleValue
      optimizer = (root["optimizer_state_dict"] ?? root["optimizer"]).flatMap {
        OptimizerState(pickle: $0)
      }
    }
    stripModulePrefix()
  }

  /// Removes DataParallel's `module.` when every key has it.
  mutating func stripModulePrefix() {
    let prefix = "module."
    guard !tensors.isEmpty, tensors.allSatisfy({ $0.name.hasPrefix(prefix) }) else { return }
    for index in tensors.indices {
      tensors[index].name.removeFirst(prefix.count)
    }
    strippedModulePrefix = true
  }
}
