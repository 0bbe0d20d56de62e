import Foundation

/// A small JSON reader that keeps object member order and number text (Foundation's
/// decoders lose both). Errors name the file, line and column.
public struct JSONParser {
  private let bytes: [UInt8]
  private let source: String
  private var position = 0

  /// Parses `text`; `source` names the input in error messages.
  public static func parse(_ text: String, source: String) throws -> JSONValue {
    var parser = JSONParser(bytes: Array(text.utf8), source: source)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    if parser.position < parser.bytes.count {
      throw parser.error(expected: "end of input", found: parser.describeHere())
    }
    return value
  }

  private init(bytes: [UInt8], source: String) {
    self.bytes = bytes
    self.source = source
  }

  // Nesting deeper than this is refused rather than risking the stack.
  private static let maximumDepth = 256

  private mutating func parseValue(depth: Int) throws -> JSONValue {
    guard depth < JSONParser.maximumDepth else {
      throw error(expected: "nesting under \(JSONParser.maximumDepth) levels", found: "deeper")
    }
    guard position < bytes.count else { throw error(expected: "a value", found: "end of input") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
    case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
    case UInt8(ascii: "n"): return try parseLiteral("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error(expected: "a value", found: describeHere())
    }
  }

  private mutating func parseObject(depth: Int) throws -> JSONValue {
    position += 1
    var members: [(String, JSONValue)] = []
    skipWhitespace()
    if consume(UInt8(ascii: "}")) { return .object(members) }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw error(expected: "a member name in quotes", found: describeHere())
      }
      let key = try parseString()
      if members.contains(where: { $0.0 == key }) {
        throw error(expected: "unique member names", found: "a second \"\(key)\"")
      }
      skipWhitespace()
      guard consume(UInt8(ascii: ":")) else { throw error(expected: "':'", found: describeHere()) }
      skipWhitespace()
      members.append((key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      if consume(UInt8(ascii: ",")) { continue }
      if consume(UInt8(ascii: "}")) { return .object(members) }
      throw error(expected: "',' or '}'", found: describeHere())
    }
  }

  private mutating func parseArray(depth: Int) throws -> JSONValue {
    position += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if consume(UInt8(ascii: "]")) { return .array(items) }
    while true {
      skipWhitespace()
      items.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      if consume(UInt8(ascii: ",")) { continue }
      if consume(UInt8(ascii: "]")) { return .array(items) }
      throw error(expected: "',' or ']'", found: describeHere())
    }
  }

  private mutating func parseString() throws -> String {
    position += 1
    var scalars = String.UnicodeScalarView()
    var raw: [UInt8] = []
    func flush() {
      scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
      raw.removeAll()
    }
    while position < bytes.count {
      let byte = bytes[position]
      position += 1
      if byte == UInt8(ascii: "\"") {
        flush()
        return String(scalars)
      }
      if byte < 0x20 { throw error(expected: "an escaped control character", found: "a raw one") }
      guard byte == UInt8(ascii: "\\") else {
        raw.append(byte)
        continue
      }
      flush()
      guard position < bytes.count else { break }
      let escape = bytes[position]
      position += 1
      switch escape {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{08}")
      case UInt8(ascii: "f"): scalars.append("\u{0C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"):
        var code = try parseHex4()
        if (0xD800..<0xDC00).contains(code), consume(UInt8(ascii: "\\")),
          consume(UInt8(ascii: "u"))
        {
          let low = try parseHex4()
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
      default: throw error(expected: "a valid escape", found: "'\\\(Character(.init(escape)))'")
      }
    }
    throw error(expected: "a closing '\"'", found: "end of input")
  }

  private mutating func parseHex4() throws -> UInt32 {
    guard position + 4 <= bytes.count,
      let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
    else { throw error(expected: "four hex digits after \\u", found: describeHere()) }
    position += 4
    return code
  }

  private mutating func parseNumber() throws -> JSONValue {
    let start = position
    func digits() -> Int {
      let from = position
      while position < bytes.count,
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
      {
        position += 1
      }
      return position - from
    }
    _ = consume(UInt8(ascii: "-"))
    guard digits() > 0 else { throw error(expected: "digits", found: describeHere()) }
    if consume(UInt8(ascii: ".")) {
      guard digits() > 0 else { throw error(expected: "digits after '.'", found: describeHere()) }
    }
    if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
      if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
      guard digits() > 0 else { throw error(expected: "exponent digits", found: describeHere()) }
    }
    return .number(String(decoding: bytes[start..<position], as: UTF8.self))
  }

  private mutating func parseLiteral(_ word: String, _ value: JSONValue) throws -> JSONValue {
    let utf8 = Array(word.utf8)
    guard position + utf8.count <= bytes.count,
      Array(bytes[position..<position + utf8.count]) == utf8
    else { throw error(expected: "a value", found: describeHere()) }
    position += utf8.count
    return value
  }

  private mutating func consume(_ byte: UInt8) -> Bool {
    guard position < bytes.count, bytes[position] == byte else { return false }
    position += 1
    return true
  }

  private mutating func skipWhitespace() {
    while position < bytes.count,
      [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")]
        .contains(bytes[position])
    {
      position += 1
    }
  }

  private func describeHere() -> String {
    guard position < bytes.count else { return "end of input" }
    let end = min(bytes.count, position + 12)
    return "'" + String(decoding: bytes[position..<end], as: UTF8.self) + "'"
  }

  private func error(expected: String, found: String) -> ExperimentsError {
    var line = 1
    var column = 1
    for byte in bytes[..<min(position, bytes.count)] {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return .malformed(
      file: source, place: "line \(line), column \(column)", expected: expected,
      found: found)
  }
}
