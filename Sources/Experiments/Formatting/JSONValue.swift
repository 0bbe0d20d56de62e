import Foundation

/// A JSON value that keeps object key order and the source text of numbers, so a sweep
/// file expands in the order it was written and `0.02` stays `0.02` on a command line.
public indirect enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// The number's text as written (`1e-5`, `0.02`, `3`).
  case number(String)
  case string(String)
  case array([JSONValue])
  /// Members in file order.
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y || Double(x) == Double(y)
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// A number from a Double, written as Python's `repr` writes it.
  public static func double(_ x: Double) -> JSONValue { .number(PythonFloat.repr(x)) }

  /// A number from an Int.
  public static func int(_ x: Int) -> JSONValue { .number(String(x)) }

  /// The member named `key` of an object, or nil.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  /// Compact JSON text with `, ` and `: ` separators, as Python's `json.dumps` writes it
  /// by default (non-ASCII characters are kept as UTF-8 rather than escaped).
  public var pythonJSONText: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let text): return text
    case .string(let s): return JSONValue.quoted(s)
    case .array(let items): return "[" + items.map(\.pythonJSONText).joined(separator: ", ") + "]"
    case .object(let members):
      let body = members.map { JSONValue.quoted($0.0) + ": " + $0.1.pythonJSONText }
      return "{" + body.joined(separator: ", ") + "}"
    }
  }

  /// A JSON string literal for `s`.
  public static func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

extension JSONValue: Codable {
  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? container.decode(Int.self) {
      self = .number(String(i))
    } else if let d = try? container.decode(Double.self) {
      self = .double(d)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else if let a = try? container.decode([JSONValue].self) {
      self = .array(a)
    } else {
      let o = try container.decode([String: JSONValue].self)
      self = .object(o.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let b): try container.encode(b)
    case .number(let text):
      if let i = Int(text) {
        try container.encode(i)
      } else {
        try container.encode(Double(text) ?? .nan)
      }
    case .string(let s): try container.encode(s)
    case .array(let a): try container.encode(a)
    case .object(let members):
      try container.encode(Dictionary(members, uniquingKeysWith: { _, last in last }))
    }
  }
}
