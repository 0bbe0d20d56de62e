/// A small JSON reader and writer over `PickleValue`, used for safetensors headers and
/// for the optimizer's parameter groups in safetensors metadata.
///
/// Unlike Foundation's, the reader keeps object keys in file order, tells integers
/// (`1`) from floats (`1.0`), and bounds nesting, so hostile headers fail with an error.
/// Objects become `.dict(ordered: false)`, arrays `.list`, integers `.int`, other
/// numbers `.float`.
enum JSONText {
  static let maximumDepth = 64

  /// Parses `bytes` (the whole text must be one JSON value, whitespace around it).
  static func parse(_ bytes: UnsafeRawBufferPointer) throws -> PickleValue {
    var parser = Parser(bytes: bytes)
    parser.skipSpace()
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.position == bytes.count else { throw parser.error("the end of the JSON text") }
    return value
  }

  static func parse(_ text: String) throws -> PickleValue {
    var text = text
    return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0)) }
  }

  private struct Parser {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    func error(_ expected: String) -> CheckpointError {
      let found =
        position < bytes.count
        ? preview(UnsafeRawBufferPointer(rebasing: bytes[position...]), limit: 12)
        : "the end of the text"
      return .malformed(file: "", offset: position, expected: expected, found: found)
    }

    mutating func skipSpace() {
      while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) {
        position += 1
      }
    }

    mutating func literal(_ word: String) throws {
      for byte in word.utf8 {
        guard position < bytes.count, bytes[position] == byte else { throw error("'\(word)'") }
        position += 1
      }
    }

    mutating func value(depth: Int) throws -> PickleValue {
      guard depth < JSONText.maximumDepth else { throw error("JSON nested at most 64 deep") }
      guard position < bytes.count else { throw error("a JSON value") }
      switch bytes[position] {
      case UInt8(ascii: "{"):
        position += 1
        var entries: [PickleEntry] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
          position += 1
          return .dict(entries, ordered: false)
        }
        while true {
          skipSpace()
          let key = try string()
          skipSpace()
          try literal(":")
          skipSpace()
          entries.append(PickleEntry(.string(key), try value(depth: depth + 1)))
          skipSpace()
          guard position < bytes.count else { throw error("',' or '}'") }
          position += 1
          if bytes[position - 1] == UInt8(ascii: "}") { return .dict(entries, ordered: false) }
          guard bytes[position - 1] == UInt8(ascii: ",") else {
            position -= 1
            throw error("',' or '}'")
          }
        }
      case UInt8(ascii: "["):
        position += 1
        var items: [PickleValue] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
          position += 1
          return .list(items)
        }
        while true {
          skipSpace()
          items.append(try value(depth: depth + 1))
          skipSpace()
          guard position < bytes.count else { throw error("',' or ']'") }
          position += 1
          if bytes[position - 1] == UInt8(ascii: "]") { return .list(items) }
          guard bytes[position - 1] == UInt8(ascii: ",") else {
            position -= 1
            throw error("',' or ']'")
          }
        }
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"):
        try literal("true")
        return .bool(true)
      case UInt8(ascii: "f"):
        try literal("false")
        return .bool(false)
      case UInt8(ascii: "n"):
        try literal("null")
        return .none
      default: return try number()
      }
    }

    mutating func number() throws -> PickleValue {
      let start = position
      var isInteger = true
      while position < bytes.count {
        let byte = bytes[position]
        if (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-") {
          position += 1
        } else if [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+")]
          .contains(byte)
        {
          isInteger = false
          position += 1
        } else {
          break
        }
      }
      let text = String(
        decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
      if isInteger, let value = Int(text) { return .int(value) }
      if !isInteger, let value = Double(text), value.isFinite { return .float(value) }
      position = start
      throw error(isInteger ? "an integer within 64 bits" : "a JSON number")
    }

    mutating func string() throws -> String {
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw error("a quoted string")
      }
      position += 1
      var scalars = String.UnicodeScalarView()
      var run = position
      func flush(_ end: Int) throws {
        guard
          let text = String(validatingUTF8Bytes: UnsafeRawBufferPointer(rebasing: bytes[run..<end]))
        else { throw error("UTF-8 text") }
        scalars.append(contentsOf: text.unicodeScalars)
      }
      while true {
        guard position < bytes.count else { throw error("a closing '\"'") }
        let byte = bytes[position]
        if byte == UInt8(ascii: "\"") {
          try flush(position)
          position += 1
          return String(scalars)
        }
        guard byte >= 0x20 else { throw error("no control characters in strings") }
        guard byte == UInt8(ascii: "\\") else {
          position += 1
          continue
        }
        try flush(position)
        position += 1
        guard position < bytes.count else { throw error("an escape") }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
          scalars.append(Unicode.Scalar(escape))
        case UInt8(ascii: "b"): scalars.append("\u{8}")
        case UInt8(ascii: "f"): scalars.append("\u{C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try hex4()
          if (0xD800..<0xDC00).contains(code) {
            try literal("\\u")
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("a low surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { throw error("a Unicode scalar") }
          scalars.append(scalar)
        default:
          position -= 1
          throw error("a JSON escape")
        }
        run = position
      }
    }

    mutating func hex4() throws -> UInt32 {
      guard position + 4 <= bytes.count,
        let code = UInt32(
          String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + 4)]),
            as: UTF8.self),
          radix: 16)
      else { throw error("four hex digits") }
      position += 4
      return code
    }
  }

  /// `value` as compact JSON with keys in order: tuples and lists become arrays, dict keys
  /// are written as strings, tensors as `{"dtype": .., "shape": ..}` (no values).
  static func render(_ value: PickleValue) -> String {
    switch value {
    case .none: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let int): return String(int)
    case .bigInt(let bytes): return quote("int of \(bytes.count) bytes")
    case .float(let double):
      guard double.isFinite else { return quote(String(double)) }
      let text = String(double)
      return text.contains(".") || text.contains("e") ? text : text + ".0"
    case .string(let text): return quote(text)
    case .bytes(let bytes): return quote("bytes of length \(bytes.count)")
    case .list(let items), .tuple(let items):
      return "[" + items.map(render).joined(separator: ",") + "]"
    case .dict(let entries, _):
      let fields = entries.map { entry -> String in
        let key: String
        if case .string(let text) = entry.key { key = text } else { key = render(entry.key) }
        return quote(key) + ":" + render(entry.value)
      }
      return "{" + fields.joined(separator: ",") + "}"
    case .tensor(let tensor):
      let shape = render(.list(tensor.shape.map { .int($0) }))
      return "{\"dtype\":\(quote(tensor.dtype.rawValue)),\"shape\":\(shape)}"
    }
  }

  /// `text` as a JSON string literal.
  static func quote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
