/// An object on the unpickler's stack. Containers are boxes (pickles fill a dict after
/// memoising it, and several places may share it); `PickleGraph` owns every box.
enum PickleNode {
  case none
  case bool(Bool)
  case int(Int)
  case bigInt([UInt8])
  case float(Double)
  case string(String)
  case bytes([UInt8])
  case tuple(PickleBox)
  case list(PickleBox)
  case dict(PickleBox)
  case global(PickleGlobal)
  case storage(StorageReference)
  case tensor(TensorBox)

  /// The Python type name, for error messages.
  var kind: String {
    switch self {
    case .none: return "None"
    case .bool: return "bool"
    case .int, .bigInt: return "int"
    case .float: return "float"
    case .string: return "str"
    case .bytes: return "bytes"
    case .tuple: return "tuple"
    case .list: return "list"
    case .dict: return "dict"
    case .global(let global): return "global \(global)"
    case .storage: return "storage"
    case .tensor: return "tensor"
    }
  }
}

/// A tuple, list or dict under construction. Dicts keep `entries` in insertion order.
final class PickleBox {
  var items: [PickleNode] = []
  var entries: [(PickleNode, PickleNode)] = []
  var ordered = false
}

/// A storage named by a persistent id: its key in the file, dtype and element count.
struct StorageReference {
  var key: String
  var dtype: StoredDType
  var count: Int
  /// Elements to skip at the start of the named storage (legacy view metadata).
  var elementOffset: Int = 0
}

/// A tensor rebuilt from `_rebuild_tensor(_v2)`, decoded once the storages are known.
final class TensorBox {
  let storage: StorageReference
  let view: TensorView
  /// Byte offset of the REDUCE that built it, for error messages.
  let position: Int

  init(storage: StorageReference, view: TensorView, position: Int) {
    self.storage = storage
    self.view = view
    self.position = position
  }
}

/// Owns every container box made while unpickling. When it goes away it empties them
/// first, which breaks any cycle a hostile pickle made and keeps deallocation flat.
final class PickleGraph {
  /// Nesting deeper than this is refused; real checkpoints nest fewer than ten levels.
  static let maximumDepth = 200

  private var boxes: [PickleBox] = []

  func tuple(_ items: [PickleNode] = []) -> PickleNode {
    .tuple(box(items))
  }

  func list(_ items: [PickleNode] = []) -> PickleNode {
    .list(box(items))
  }

  func dict(ordered: Bool = false) -> PickleNode {
    let made = box([])
    made.ordered = ordered
    return .dict(made)
  }

  private func box(_ items: [PickleNode]) -> PickleBox {
    let made = PickleBox()
    made.items = items
    boxes.append(made)
    return made
  }

  deinit {
    for box in boxes {
      box.items.removeAll()
      box.entries.removeAll()
    }
  }

  /// Converts `node` to a plain value, decoding each tensor once through `decode`.
  /// Shared boxes are converted once (their arrays are then shared, copy-on-write), so a
  /// pickle that references one list many times cannot blow up; a cycle is an error.
  func value(
    of node: PickleNode, decode: (TensorBox) throws -> StoredTensor
  ) throws -> PickleValue {
    try withoutActuallyEscaping(decode) { decode in
      var converter = Converter(decode: decode)
      return try converter.convert(node, depth: 0)
    }
  }

  private struct Converter {
    let decode: (TensorBox) throws -> StoredTensor
    var done: [ObjectIdentifier: PickleValue] = [:]
    var active: Set<ObjectIdentifier> = []

    mutating func convert(_ node: PickleNode, depth: Int) throws -> PickleValue {
      guard depth < PickleGraph.maximumDepth else {
        throw CheckpointError.unsupported(
          file: "", offset: 0, feature: "objects nested deeper than \(PickleGraph.maximumDepth)")
      }
      switch node {
      case .none: return .none
      case .bool(let value): return .bool(value)
      case .int(let value): return .int(value)
      case .bigInt(let bytes): return .bigInt(bytes)
      case .float(let value): return .float(value)
      case .string(let value): return .string(value)
      case .bytes(let value): return .bytes(value)
      case .tuple(let box):
        return try shared(box) { this in .tuple(try this.items(box, depth)) }
      case .list(let box):
        return try shared(box) { this in .list(try this.items(box, depth)) }
      case .dict(let box):
        return try shared(box) { this in
          var entries: [PickleEntry] = []
          entries.reserveCapacity(box.entries.count)
          for (key, value) in box.entries {
            entries.append(
              PickleEntry(
                try this.convert(key, depth: depth + 1), try this.convert(value, depth: depth + 1)))
          }
          return .dict(entries, ordered: box.ordered)
        }
      case .tensor(let box):
        let id = ObjectIdentifier(box)
        if let value = done[id] { return value }
        let value = PickleValue.tensor(try decode(box))
        done[id] = value
        return value
      case .global(let global):
        throw CheckpointError.unsupported(
          file: "", offset: 0, feature: "a bare global \(global) as a value")
      case .storage(let storage):
        throw CheckpointError.unsupported(
          file: "", offset: 0, feature: "a bare storage '\(storage.key)' as a value")
      }
    }

    private mutating func items(_ box: PickleBox, _ depth: Int) throws -> [PickleValue] {
      var values: [PickleValue] = []
      values.reserveCapacity(box.items.count)
      for item in box.items { values.append(try convert(item, depth: depth + 1)) }
      return values
    }

    private mutating func shared(
      _ box: PickleBox, _ make: (inout Converter) throws -> PickleValue
    ) throws -> PickleValue {
      let id = ObjectIdentifier(box)
      if let value = done[id] { return value }
      guard active.insert(id).inserted else {
        throw CheckpointError.malformed(
          file: "", offset: 0, expected: "an acyclic object", found: "a container inside itself")
      }
      let value = try make(&self)
      active.remove(id)
      done[id] = value
      return value
    }
  }
}
