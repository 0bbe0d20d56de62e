import Foundation

/// A sweep file: a list of configurations to run, each independent of the others.
///
/// The file is JSON, either an array of entries or an object
/// `{"name": ..., "description": ..., "configurations": [entries]}`. An entry is
///
///     {"command": "study largest", "options": {"top-k": 1, "mode": "zero", ...}}
///
/// or a grid that expands to the cartesian product of its lists, the first grid option
/// varying slowest, with `fixed` (or `options`) options added to each:
///
///     {"command": "study largest",
///      "grid": {"top-k": [1, 2, 3], "noise-std": [0.02, 0.01]},
///      "fixed": {"mode": "random_init", "data": "${DATA}"}}
///
/// Option names are the CLI's, without dashes. `true` stands for a flag, `false` and
/// `null` for its absence; strings may hold `${NAME}` placeholders expanded from the
/// environment when a configuration runs.
public struct Sweep: Equatable, Sendable {
  public var name: String?
  public var description: String?
  /// The expanded configurations, in file order.
  public var configurations: [SweepConfiguration]

  public init(name: String? = nil, description: String? = nil, configurations: [SweepConfiguration])
  {
    self.name = name
    self.description = description
    self.configurations = configurations
  }

  /// Reads and expands a sweep file.
  public static func load(_ url: URL) throws -> Sweep {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw ExperimentsError.missing(path: url.path, what: "the sweep file")
    }
    return try parse(text, source: url.path)
  }

  /// Parses and expands sweep text; `source` names it in errors. Two entries that
  /// expand to the same id are an error (they would write to the same folder).
  public static func parse(_ text: String, source: String) throws -> Sweep {
    let root = try JSONParser.parse(text, source: source)
    var sweep = Sweep(configurations: [])
    let entries: [JSONValue]
    switch root {
    case .array(let items): entries = items
    case .object:
      if case .string(let name) = root["name"] { sweep.name = name }
      if case .string(let description) = root["description"] { sweep.description = description }
      guard case .array(let items) = root["configurations"] else {
        throw ExperimentsError.malformed(
          file: source, place: "top level", expected: "a \"configurations\" array", found: "none")
      }
      entries = items
    default:
      throw ExperimentsError.malformed(
        file: source, place: "top level", expected: "an array or object", found: root.pythonJSONText
      )
    }
    for (index, entry) in entries.enumerated() {
      sweep.configurations += try expand(entry, source: source, place: "configuration \(index + 1)")
    }
    var seen: [String: Int] = [:]
    for (index, configuration) in sweep.configurations.enumerated() {
      if let first = seen[configuration.id] {
        throw ExperimentsError.malformed(
          file: source, place: "expanded configuration \(index + 1)",
          expected: "distinct configurations",
          found: "a repeat of expanded configuration \(first + 1) (\(configuration.id))")
      }
      seen[configuration.id] = index
    }
    return sweep
  }

  private static func expand(_ entry: JSONValue, source: String, place: String) throws
    -> [SweepConfiguration]
  {
    guard case .object(let members) = entry else {
      throw ExperimentsError.malformed(
        file: source, place: place, expected: "an object", found: entry.pythonJSONText)
    }
    for (key, _) in members where !["command", "options", "fixed", "grid", "comment"].contains(key)
    {
      throw ExperimentsError.malformed(
        file: source, place: place, expected: "command, options, fixed, grid or comment",
        found: "\"\(key)\"")
    }
    guard case .string(let commandText) = entry["command"] else {
      throw ExperimentsError.malformed(
        file: source, place: place, expected: "a \"command\" string", found: "none")
    }
    let command = commandText.split(separator: " ").map(String.init)
    var fixed: [(String, JSONValue)] = []
    for key in ["options", "fixed"] {
      guard let value = entry[key] else { continue }
      guard case .object(let options) = value else {
        throw ExperimentsError.malformed(
          file: source, place: "\(place), \(key)", expected: "an object",
          found: value.pythonJSONText)
      }
      for (name, value) in options {
        try checkScalar(value, source: source, place: "\(place), option \"\(name)\"")
        fixed.append((name, value))
      }
    }
    var grid: [(String, [JSONValue])] = []
    if let value = entry["grid"] {
      guard case .object(let axes) = value else {
        throw ExperimentsError.malformed(
          file: source, place: "\(place), grid", expected: "an object", found: value.pythonJSONText)
      }
      for (name, axis) in axes {
        guard case .array(let values) = axis, !values.isEmpty else {
          throw ExperimentsError.malformed(
            file: source, place: "\(place), grid \"\(name)\"", expected: "a non-empty list",
            found: axis.pythonJSONText)
        }
        for value in values {
          try checkScalar(value, source: source, place: "\(place), grid \"\(name)\"")
        }
        if fixed.contains(where: { $0.0 == name }) {
          throw ExperimentsError.malformed(
            file: source, place: "\(place), grid \"\(name)\"",
            expected: "an option set either in the grid or as fixed", found: "both")
        }
        grid.append((name, values))
      }
    }
    var combinations: [[(String, JSONValue)]] = [[]]
    for (name, values) in grid {
      combinations = combinations.flatMap { prefix in values.map { prefix + [(name, $0)] } }
    }
    return combinations.map { SweepConfiguration(command: command, options: fixed + $0) }
  }

  private static func checkScalar(_ value: JSONValue, source: String, place: String) throws {
    switch value {
    case .array, .object:
      throw ExperimentsError.malformed(
        file: source, place: place, expected: "a string, number or boolean",
        found: value.pythonJSONText)
    default: return
    }
  }
}

/// `--shard i/n`: task i (1-based, 1...n, as Slurm array indices usually run) takes the
/// configurations at positions i-1, i-1+n, i-1+2n, ... of the expanded list. The n
/// shards partition the list, and neighbouring (often similar-cost) configurations go
/// to different tasks.
public struct Shard: Equatable, Sendable {
  /// 1-based shard number.
  public var index: Int
  /// Number of shards.
  public var count: Int

  public init(index: Int, count: Int) throws {
    guard count >= 1, (1...count).contains(index) else {
      throw ExperimentsError.invalidArgument(
        what: "--shard", expected: "i/n with 1 <= i <= n", found: "\(index)/\(count)")
    }
    self.index = index
    self.count = count
  }

  /// Parses `i/n`.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
      throw ExperimentsError.invalidArgument(
        what: "--shard", expected: "i/n such as 2/8", found: "'\(text)'")
    }
    try self.init(index: i, count: n)
  }

  /// This shard's elements of `items`, in order.
  public func select<T>(_ items: [T]) -> [T] {
    stride(from: index - 1, to: items.count, by: count).map { items[$0] }
  }
}
