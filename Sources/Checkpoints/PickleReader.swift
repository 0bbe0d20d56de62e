/// An unpickler for the protocols `torch.save` writes (2 to 5) that executes nothing.
///
/// Globals are resolved against a fixed allow-list of the functions and classes real
/// checkpoints name (`collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`, the
/// typed storages, ...); each is interpreted here, never called. Any other global ends
/// the read with `.forbiddenGlobal`. Storages arrive as persistent ids; the caller's
/// `resolveStorage` turns one into a `StorageReference`, and tensors are decoded after
/// the stream ends, by `PickleGraph.value(of:decode:)`.
///
/// Containers live in reference boxes while the stream runs (pickles mutate a dict
/// after memoising it), and the boxes are emptied when the reader finishes, so hostile
/// cycles leak nothing and deep chains never recurse during deallocation.
struct PickleReader {
  /// Persistent id (the pickled tuple) to storage; throws for ids it does not accept.
  typealias StorageResolver = (PickleNode, Int) throws -> StorageReference

  private var input: ByteReader
  private let resolveStorage: StorageResolver
  private var stack: [PickleNode] = []
  private var marks: [Int] = []
  private var memo: [Int: PickleNode] = [:]
  let graph = PickleGraph()

  init(_ bytes: UnsafeRawBufferPointer, start: Int = 0, resolveStorage: @escaping StorageResolver) {
    input = ByteReader(bytes, position: start)
    self.resolveStorage = resolveStorage
  }

  /// Where the next pickle would start (for files holding several in a row).
  var position: Int { input.position }

  /// Reads one pickle up to its STOP opcode and returns its top object.
  mutating func readObject() throws -> PickleNode {
    stack.removeAll()
    marks.removeAll()
    memo.removeAll()
    while true {
      let at = input.position
      let opcode = try input.uint8()
      if opcode == PickleOpcode.stop {
        guard stack.count == 1, marks.isEmpty else {
          throw malformed(at, "one object on the stack at STOP", "\(stack.count)")
        }
        return stack.removeLast()
      }
      try execute(opcode, at: at)
    }
  }

  private mutating func execute(_ opcode: UInt8, at: Int) throws {
    typealias Op = PickleOpcode
    switch opcode {
    case Op.proto:
      let version = try input.uint8()
      guard version <= 5 else { throw unsupported(at, "pickle protocol \(version)") }
    case Op.frame: _ = try input.uint64()
    case Op.mark: marks.append(stack.count)
    case Op.none: stack.append(.none)
    case Op.newTrue: stack.append(.bool(true))
    case Op.newFalse: stack.append(.bool(false))
    case Op.binInt: stack.append(.int(Int(Int32(bitPattern: try input.uint32()))))
    case Op.binInt1: stack.append(.int(Int(try input.uint8())))
    case Op.binInt2: stack.append(.int(Int(try input.uint16())))
    case Op.long1: stack.append(try longInteger(Int(try input.uint8())))
    case Op.long4:
      let length = Int(Int32(bitPattern: try input.uint32()))
      guard length >= 0 else { throw malformed(at, "a non-negative LONG4 length", "\(length)") }
      stack.append(try longInteger(length))
    case Op.binFloat:
      // BINFLOAT is the only big-endian field in a pickle.
      stack.append(.float(Double(bitPattern: try input.uint64().byteSwapped)))
    case Op.binUnicode: stack.append(try text(Int(try input.uint32()), at: at))
    case Op.shortBinUnicode: stack.append(try text(Int(try input.uint8()), at: at))
    case Op.binUnicode8: stack.append(try text(try input.length64(), at: at))
    case Op.binString: stack.append(try text(Int(try input.uint32()), at: at))
    case Op.shortBinString: stack.append(try text(Int(try input.uint8()), at: at))
    case Op.binBytes: stack.append(.bytes(Array(try input.take(Int(try input.uint32())))))
    case Op.shortBinBytes: stack.append(.bytes(Array(try input.take(Int(try input.uint8())))))
    case Op.binBytes8, Op.byteArray8:
      stack.append(.bytes(Array(try input.take(try input.length64()))))
    case Op.emptyTuple: stack.append(graph.tuple([]))
    case Op.tuple1, Op.tuple2, Op.tuple3:
      let count = Int(opcode - Op.tuple1) + 1
      try need(count, at)
      let items = Array(stack.suffix(count))
      stack.removeLast(count)
      stack.append(graph.tuple(items))
    case Op.tuple: stack.append(graph.tuple(try popToMark(at)))
    case Op.emptyList: stack.append(graph.list())
    case Op.list: stack.append(graph.list(try popToMark(at)))
    case Op.emptyDict: stack.append(graph.dict())
    case Op.dict:
      let dict = graph.dict()
      try fill(dict, with: try popToMark(at), at: at)
      stack.append(dict)
    case Op.emptySet: stack.append(graph.list())
    case Op.frozenSet: stack.append(graph.list(try popToMark(at)))
    case Op.append:
      try need(2, at)
      let item = stack.removeLast()
      try append([item], to: stack[stack.count - 1], at: at)
    case Op.appends, Op.addItems:
      let items = try popToMark(at)
      try need(1, at)
      try append(items, to: stack[stack.count - 1], at: at)
    case Op.setItem:
      try need(3, at)
      let value = stack.removeLast()
      let key = stack.removeLast()
      try fill(stack[stack.count - 1], with: [key, value], at: at)
    case Op.setItems:
      let items = try popToMark(at)
      try need(1, at)
      try fill(stack[stack.count - 1], with: items, at: at)
    case Op.pop:
      if marks.last == stack.count {
        marks.removeLast()
      } else {
        try need(1, at)
        stack.removeLast()
      }
    case Op.popMark: _ = try popToMark(at)
    case Op.dup:
      try need(1, at)
      stack.append(stack[stack.count - 1])
    case Op.binPut: try put(Int(try input.uint8()), at)
    case Op.longBinPut: try put(Int(try input.uint32()), at)
    case Op.memoize: try put(memo.count, at)
    case Op.binGet: try get(Int(try input.uint8()), at)
    case Op.longBinGet: try get(Int(try input.uint32()), at)
    case Op.global:
      let module = String(decoding: try input.line(), as: UTF8.self)
      let name = String(decoding: try input.line(), as: UTF8.self)
      stack.append(try PickleGlobals.resolve(module, name, opcode: "GLOBAL", at: at))
    case Op.stackGlobal:
      try need(2, at)
      let name = stack.removeLast()
      let module = stack.removeLast()
      guard case .string(let moduleName) = module, case .string(let globalName) = name else {
        throw malformed(at, "two strings for STACK_GLOBAL", "\(module.kind), \(name.kind)")
      }
      stack.append(
        try PickleGlobals.resolve(moduleName, globalName, opcode: "STACK_GLOBAL", at: at))
    case Op.reduce:
      try need(2, at)
      let arguments = stack.removeLast()
      let callable = stack.removeLast()
      stack.append(try PickleGlobals.call(callable, arguments, graph: graph, at: at))
    case Op.newObj:
      try need(2, at)
      let arguments = stack.removeLast()
      let cls = stack.removeLast()
      stack.append(try PickleGlobals.call(cls, arguments, graph: graph, at: at))
    case Op.build:
      try need(2, at)
      let state = stack.removeLast()
      try PickleGlobals.build(stack[stack.count - 1], state: state, at: at)
    case Op.binPersId:
      try need(1, at)
      let pid = stack.removeLast()
      stack.append(.storage(try resolveStorage(pid, at)))
    default:
      let name = PickleOpcode.names[opcode].map { " (\($0))" } ?? ""
      throw unsupported(at, "pickle opcode 0x\(String(opcode, radix: 16))\(name)")
    }
  }

  private func need(_ count: Int, _ at: Int) throws {
    let floor = marks.last ?? 0
    guard stack.count - floor >= count else {
      throw malformed(at, "\(count) objects on the pickle stack", "\(stack.count - floor)")
    }
  }

  private mutating func popToMark(_ at: Int) throws -> [PickleNode] {
    guard let mark = marks.popLast() else { throw malformed(at, "a MARK", "none") }
    let items = Array(stack[mark...])
    stack.removeSubrange(mark...)
    return items
  }

  private mutating func put(_ index: Int, _ at: Int) throws {
    try need(1, at)
    memo[index] = stack[stack.count - 1]
  }

  private mutating func get(_ index: Int, _ at: Int) throws {
    guard let node = memo[index] else {
      throw malformed(at, "a memo entry \(index)", "nothing stored there")
    }
    stack.append(node)
  }

  private func append(_ items: [PickleNode], to target: PickleNode, at: Int) throws {
    guard case .list(let box) = target else {
      throw malformed(at, "a list to append to", target.kind)
    }
    box.items.append(contentsOf: items)
  }

  private func fill(_ target: PickleNode, with items: [PickleNode], at: Int) throws {
    guard case .dict(let box) = target else {
      throw malformed(at, "a dict to set items in", target.kind)
    }
    guard items.count % 2 == 0 else {
      throw malformed(at, "key-value pairs", "\(items.count) objects")
    }
    for pair in stride(from: 0, to: items.count, by: 2) {
      box.entries.append((items[pair], items[pair + 1]))
    }
  }

  private mutating func longInteger(_ length: Int) throws -> PickleNode {
    let bytes = try input.take(length)
    if length == 0 { return .int(0) }
    if length <= 8 {
      var value = Int(
        bitPattern: UInt(bytes.reversed().reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }))
      let unused = (8 - length) * 8
      if unused > 0 { value = (value << unused) >> unused }  // sign-extend
      return .int(value)
    }
    return .bigInt(Array(bytes))
  }

  private mutating func text(_ length: Int, at: Int) throws -> PickleNode {
    let bytes = try input.take(length)
    guard let string = String(validatingUTF8Bytes: bytes) else {
      throw malformed(at, "UTF-8 text", preview(bytes))
    }
    return .string(string)
  }

  private func malformed(_ at: Int, _ expected: String, _ found: String) -> CheckpointError {
    .malformed(file: "", offset: at, expected: expected, found: found)
  }

  private func unsupported(_ at: Int, _ feature: String) -> CheckpointError {
    .unsupported(file: "", offset: at, feature: feature)
  }
}

extension String {
  /// The bytes as a string when they are valid UTF-8, else nil.
  init?(validatingUTF8Bytes bytes: UnsafeRawBufferPointer) {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var scalars = String.UnicodeScalarView()
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): scalars.append(scalar)
      case .emptyInput: break loop
      case .error: return nil
      }
    }
    self = String(scalars)
  }
}
