/// The only globals a checkpoint pickle may name. Each is interpreted by
/// `PickleGlobals.call`, never looked up or executed.
enum PickleGlobal: CustomStringConvertible, Equatable {
  /// `collections.OrderedDict`: state dicts and the empty backward-hook dicts.
  case orderedDict
  /// `torch._utils._rebuild_tensor` (before PyTorch 0.4) and `_rebuild_tensor_v2`.
  case rebuildTensor(version: Int)
  /// `torch._utils._rebuild_parameter` (and `_with_state`): an `nn.Parameter`.
  case rebuildParameter(withState: Bool)
  /// A typed storage class such as `torch.FloatStorage`, named in persistent ids.
  case storageType(StoredDType)
  /// `torch.Size`, a tuple subclass.
  case torchSize
  /// `_codecs.encode`, which protocol 2 uses for `bytes` values.
  case codecsEncode

  var description: String {
    switch self {
    case .orderedDict: return "collections.OrderedDict"
    case .rebuildTensor(let version):
      return "torch._utils._rebuild_tensor" + (version == 2 ? "_v2" : "")
    case .rebuildParameter(let withState):
      return "torch._utils._rebuild_parameter" + (withState ? "_with_state" : "")
    case .storageType(let dtype): return "torch.\(dtype.storageClassName)"
    case .torchSize: return "torch.Size"
    case .codecsEncode: return "_codecs.encode"
    }
  }
}

enum PickleGlobals {
  /// The allowed global named `module.name`, or `.forbiddenGlobal`.
  static func resolve(_ module: String, _ name: String, opcode: String, at: Int) throws
    -> PickleNode
  {
    let global: PickleGlobal?
    switch (module, name) {
    case ("collections", "OrderedDict"): global = .orderedDict
    case ("torch._utils", "_rebuild_tensor"): global = .rebuildTensor(version: 1)
    case ("torch._utils", "_rebuild_tensor_v2"): global = .rebuildTensor(version: 2)
    case ("torch._utils", "_rebuild_parameter"): global = .rebuildParameter(withState: false)
    case ("torch._utils", "_rebuild_parameter_with_state"):
      global = .rebuildParameter(withState: true)
    case ("torch", "Size"): global = .torchSize
    case ("_codecs", "encode"): global = .codecsEncode
    case ("torch", _): global = StoredDType(storageClassName: name).map { .storageType($0) }
    default: global = nil
    }
    guard let global else {
      throw CheckpointError.forbiddenGlobal(
        file: "", offset: at, opcode: opcode, name: "\(module).\(name)")
    }
    return .global(global)
  }

  /// The result of calling allowed global `callable` with the tuple `arguments`.
  static func call(_ callable: PickleNode, _ arguments: PickleNode, graph: PickleGraph, at: Int)
    throws -> PickleNode
  {
    guard case .global(let global) = callable else {
      throw malformed(at, "an allowed global to call", callable.kind)
    }
    guard case .tuple(let box) = arguments else {
      throw malformed(at, "an argument tuple for \(global)", arguments.kind)
    }
    let args = box.items
    switch global {
    case .orderedDict:
      guard args.isEmpty else { throw malformed(at, "OrderedDict()", "\(args.count) arguments") }
      return graph.dict(ordered: true)
    case .rebuildTensor(let version):
      let expected = version == 2 ? 6...7 : 4...4
      guard expected.contains(args.count) else {
        throw malformed(at, "\(expected.lowerBound) arguments to \(global)", "\(args.count)")
      }
      return try rebuildTensor(args, at: at)
    case .rebuildParameter(let withState):
      guard args.count == (withState ? 4 : 3), case .tensor = args[0] else {
        throw malformed(at, "(tensor, requires_grad, hooks) for \(global)", "\(args.count)")
      }
      return args[0]
    case .torchSize:
      guard args.count == 1, case .tuple = args[0] else {
        throw malformed(at, "one tuple for torch.Size", "\(args.count) arguments")
      }
      return args[0]
    case .codecsEncode:
      guard args.count == 2, case .string(let text) = args[0] else {
        throw malformed(at, "(str, encoding) for _codecs.encode", "\(args.count) arguments")
      }
      // Protocol 2 pickles bytes as latin-1 text; every scalar is below 256.
      let scalars = text.unicodeScalars.map(\.value)
      guard scalars.allSatisfy({ $0 < 256 }) else {
        throw malformed(at, "latin-1 text for _codecs.encode", "characters above U+00FF")
      }
      return .bytes(scalars.map { UInt8($0) })
    case .storageType:
      throw CheckpointError.forbiddenGlobal(
        file: "", offset: at, opcode: "REDUCE", name: "\(global)() (a storage constructor)")
    }
  }

  /// `BUILD` sets an object's state: allowed on dicts (OrderedDict `_metadata`) and
  /// tensors (`_rebuild_parameter_with_state`), where the state is ignored.
  static func build(_ target: PickleNode, state: PickleNode, at: Int) throws {
    switch target {
    case .dict, .tensor: return
    default: throw malformed(at, "a dict or tensor to BUILD", target.kind)
    }
  }

  /// `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, meta])`.
  private static func rebuildTensor(_ args: [PickleNode], at: Int) throws -> PickleNode {
    guard case .storage(let storage) = args[0] else {
      throw malformed(at, "a storage as the tensor's first argument", args[0].kind)
    }
    guard case .int(let offset) = args[1] else {
      throw malformed(at, "an int storage offset", args[1].kind)
    }
    let shape = try integers(args[2], "size", at: at)
    let strides = try integers(args[3], "stride", at: at)
    let sum = offset.addingReportingOverflow(storage.elementOffset)
    guard !sum.overflow else { throw malformed(at, "a storage offset below 2^63", "\(offset)") }
    let view = TensorView(
      dtype: storage.dtype, storageCount: storage.count, offset: sum.partialValue,
      shape: shape, strides: strides)
    _ = try view.validate(at: at)
    return .tensor(TensorBox(storage: storage, view: view, position: at))
  }

  private static func integers(_ node: PickleNode, _ what: String, at: Int) throws -> [Int] {
    guard case .tuple(let box) = node else {
      throw malformed(at, "a tuple of ints for the tensor's \(what)", node.kind)
    }
    return try box.items.map {
      guard case .int(let value) = $0 else {
        throw malformed(at, "ints in the tensor's \(what)", $0.kind)
      }
      return value
    }
  }

  private static func malformed(_ at: Int, _ expected: String, _ found: String)
    -> CheckpointError
  {
    .malformed(file: "", offset: at, expected: expected, found: found)
  }
}
