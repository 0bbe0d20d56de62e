/// A plain value built from a pickle stream: what `torch.save` wrote, with tensors
/// already read from their storages. Dictionaries keep their insertion order (state
/// dicts rely on it).
public enum PickleValue: Equatable, Sendable {
  case none
  case bool(Bool)
  case int(Int)
  /// A Python int too large for 64 bits, as little-endian two's-complement bytes.
  case bigInt([UInt8])
  case float(Double)
  case string(String)
  case bytes([UInt8])
  case list([PickleValue])
  case tuple([PickleValue])
  /// A `dict`; `ordered` is true for `collections.OrderedDict`.
  case dict([PickleEntry], ordered: Bool)
  case tensor(StoredTensor)

  /// The value stored under string key `key` when this is a dict, else nil.
  public subscript(key: String) -> PickleValue? {
    guard case .dict(let entries, _) = self else { return nil }
    return entries.first { $0.key == .string(key) }?.value
  }

  /// The entries when this is a dict, else nil.
  public var entries: [PickleEntry]? {
    if case .dict(let entries, _) = self { return entries }
    return nil
  }

  /// The items of a list or tuple, else nil.
  public var items: [PickleValue]? {
    switch self {
    case .list(let items), .tuple(let items): return items
    default: return nil
    }
  }

  public var intValue: Int? {
    switch self {
    case .int(let value): return value
    case .bool(let value): return value ? 1 : 0
    default: return nil
    }
  }

  /// A Python float or int, or the value of a one-element tensor, as a Double.
  public var doubleValue: Double? {
    switch self {
    case .float(let value): return value
    case .int(let value): return Double(value)
    case .tensor(let tensor): return tensor.scalarValue
    default: return nil
    }
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var tensorValue: StoredTensor? {
    if case .tensor(let value) = self { return value }
    return nil
  }

  /// A one-line summary (type and size, never the contents), for reports.
  public var kindDescription: String {
    switch self {
    case .none: return "None"
    case .bool(let value): return value ? "True" : "False"
    case .int(let value): return "int \(value)"
    case .bigInt(let bytes): return "int (\(bytes.count) bytes)"
    case .float(let value): return "float \(value)"
    case .string(let value):
      return value.count <= 40 ? "str '\(value)'" : "str (\(value.count) characters)"
    case .bytes(let bytes): return "bytes (\(bytes.count))"
    case .list(let items): return "list (\(items.count) items)"
    case .tuple(let items): return "tuple (\(items.count) items)"
    case .dict(let entries, let ordered):
      return "\(ordered ? "OrderedDict" : "dict") (\(entries.count) entries)"
    case .tensor(let tensor): return "tensor \(tensor.dtype.rawValue) \(tensor.shape)"
    }
  }
}

/// One key and value of a pickled dict.
public struct PickleEntry: Equatable, Sendable {
  public var key: PickleValue
  public var value: PickleValue

  public init(_ key: PickleValue, _ value: PickleValue) {
    self.key = key
    self.value = value
  }
}
