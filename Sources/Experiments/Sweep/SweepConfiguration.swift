import Foundation

/// One command of a sweep: a subcommand and its options, in file order.
public struct SweepConfiguration: Equatable, Sendable {
  /// The subcommand's words, e.g. `["study", "largest"]`.
  public var command: [String]
  /// Option names without dashes and their values (string, number or bool), in order.
  public var options: [(String, JSONValue)]

  public init(command: [String], options: [(String, JSONValue)]) {
    self.command = command
    self.options = options
  }

  public static func == (a: SweepConfiguration, b: SweepConfiguration) -> Bool {
    a.command == b.command && a.options.count == b.options.count
      && zip(a.options, b.options).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
  }

  /// The value of option `name`, if set.
  public func option(_ name: String) -> JSONValue? {
    options.first { $0.0 == name }?.1
  }

  /// A stable identifier, used as the configuration's output folder name: the command
  /// words, then `name-value` for each option in name order (an option set to true is
  /// just its name; `out` is left out), e.g.
  /// `study-largest_mode-random_init_noise-std-0.02_top-k-1`. Values that are paths or
  /// placeholders (containing `/` or `$`) are not spelled out; when there are any, an
  /// 8-hex-digit FNV-1a hash of all options is appended so the id stays unique.
  public var id: String {
    var parts = [command.joined(separator: "-")]
    var hidden = false
    for (name, value) in options.sorted(by: { $0.0 < $1.0 }) where name != "out" {
      switch value {
      case .bool(true): parts.append(name)
      case .bool(false), .null: continue
      case .number(let text): parts.append("\(name)-\(text)")
      case .string(let text):
        if text.contains("/") || text.contains("$") || text.count > 40 {
          hidden = true
        } else {
          parts.append("\(name)-\(text)")
        }
      case .array, .object: hidden = true
      }
    }
    var id = parts.map(SweepConfiguration.folderSafe).joined(separator: "_")
    if hidden { id += "_" + SweepConfiguration.fnv1a(canonicalText) }
    return id
  }

  /// The options as one canonical string (sorted names, values as written), `out` left out.
  var canonicalText: String {
    command.joined(separator: " ") + "|"
      + options.filter { $0.0 != "out" }.sorted { $0.0 < $1.0 }
      .map { "\($0.0)=\($0.1.pythonJSONText)" }.joined(separator: "|")
  }

  /// The command-line arguments of this configuration: the command words, then
  /// `--name value` per option (`--name` alone for true, nothing for false or null),
  /// with `${NAME}` placeholders replaced from `environment`, and `--out outputFolder`
  /// appended unless the configuration sets `out` itself.
  public func arguments(environment: [String: String], outputFolder: URL?) throws -> [String] {
    var arguments = command
    for (name, value) in options {
      switch value {
      case .bool(true): arguments.append("--\(name)")
      case .bool(false), .null: continue
      case .number(let text): arguments += ["--\(name)", text]
      case .string(let text):
        arguments += [
          "--\(name)", try expandVariables(text, environment: environment, option: name),
        ]
      case .array, .object:
        throw ExperimentsError.invalidArgument(
          what: "configuration \(id), option --\(name)",
          expected: "a string, number or boolean", found: value.pythonJSONText)
      }
    }
    if option("out") == nil, let outputFolder {
      arguments += ["--out", outputFolder.path]
    }
    return arguments
  }

  /// The folder this configuration writes to: its `out` option (expanded) when set,
  /// else `root/<id>`.
  public func outputFolder(root: URL, environment: [String: String]) throws -> URL {
    if case .string(let text) = option("out") {
      return URL(
        fileURLWithPath: try expandVariables(text, environment: environment, option: "out"))
    }
    return root.appendingPathComponent(id)
  }

  /// Replaces each `${NAME}` in `text` with the environment variable's value; an unset
  /// variable is an error naming it, the configuration and the option.
  public func expandVariables(_ text: String, environment: [String: String], option: String)
    throws -> String
  {
    var out = ""
    var rest = Substring(text)
    while let start = rest.range(of: "${") {
      out += rest[..<start.lowerBound]
      guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
        throw ExperimentsError.invalidArgument(
          what: "configuration \(id), option --\(option)", expected: "'}' closing '${'",
          found: "'\(text)'")
      }
      let name = String(rest[start.upperBound..<end])
      guard let value = environment[name] else {
        throw ExperimentsError.unsetVariable(name: name, configuration: id, option: option)
      }
      out += value
      rest = rest[rest.index(after: end)...]
    }
    return out + rest
  }

  static func folderSafe(_ text: String) -> String {
    String(
      text.map { c -> Character in
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == "=") ? c : "_"
      })
  }

  /// 64-bit FNV-1a, shown as 8 hex digits (the low 32 bits): stable across runs and
  /// platforms, unlike Swift's `hashValue`.
  static func fnv1a(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash & 0xffff_ffff, radix: 16)
    return String(repeating: "0", count: 8 - hex.count) + hex
  }
}
