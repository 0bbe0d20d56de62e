/// The arguments of one invocation, checked against the command's declarations, with
/// defaults filled in.
///
/// Accessors take the declared name (`"epochs"`, `"image"`). Asking for a name the
/// command does not declare, or with the wrong type, is a programming error and traps;
/// so does calling a non-optional accessor on an argument that has neither a default
/// nor `required`. None of these depend on what the user typed.
public struct ParsedArguments {
  /// The words that selected the command: `["spurious", "study", "largest"]`.
  public let commandPath: [String]
  let specs: [String: ArgumentSpec]
  /// Parsed values (given or default); multi-valued arguments hold a `.list`.
  var values: [String: ArgumentValue] = [:]
  var flags: [String: Bool] = [:]
  /// Names the user wrote on the command line (as opposed to defaults).
  var given: Set<String> = []

  init(commandPath: [String], specs: [ArgumentSpec]) {
    self.commandPath = commandPath
    self.specs = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
  }

  /// "spurious study largest", for messages.
  public var commandName: String { commandPath.joined(separator: " ") }

  /// Whether the user gave the argument, rather than it taking its default.
  public func wasGiven(_ name: String) -> Bool {
    _ = spec(name)
    return given.contains(name)
  }

  /// A flag's value (its default when absent).
  public func flag(_ name: String) -> Bool {
    guard case .flag(_, let defaultValue) = spec(name).role else {
      preconditionFailure("\(commandName): '\(name)' is not a flag")
    }
    return flags[name] ?? defaultValue
  }

  /// An integer argument that has a default or is required.
  public func int(_ name: String) -> Int { present(name, optionalInt(name)) }

  /// An integer argument, or nil when absent without a default.
  public func optionalInt(_ name: String) -> Int? {
    guard let value = single(name) else { return nil }
    guard case .integer(let int) = value else { mismatch(name, "an integer") }
    return int
  }

  /// A number argument that has a default or is required.
  public func double(_ name: String) -> Double { present(name, optionalDouble(name)) }

  /// A number argument, or nil when absent without a default.
  public func optionalDouble(_ name: String) -> Double? {
    guard let value = single(name) else { return nil }
    guard case .number(let number) = value else { mismatch(name, "a number") }
    return number
  }

  /// A text, path or choice argument that has a default or is required.
  public func string(_ name: String) -> String { present(name, optionalString(name)) }

  /// A text, path or choice argument, or nil when absent without a default.
  public func optionalString(_ name: String) -> String? {
    guard let value = single(name) else { return nil }
    guard case .text(let text) = value else { mismatch(name, "text") }
    return text
  }

  /// All values of a repeated option, comma list or variadic positional, as text.
  public func strings(_ name: String) -> [String] {
    elements(name).map {
      guard case .text(let text) = $0 else { mismatch(name, "text") }
      return text
    }
  }

  /// All values of a repeated option or comma list of integers.
  public func ints(_ name: String) -> [Int] {
    elements(name).map {
      guard case .integer(let int) = $0 else { mismatch(name, "integers") }
      return int
    }
  }

  /// All values of a repeated option or comma list of numbers.
  public func doubles(_ name: String) -> [Double] {
    elements(name).map {
      guard case .number(let number) = $0 else { mismatch(name, "numbers") }
      return number
    }
  }

  // MARK: - Lookup

  private func spec(_ name: String) -> ArgumentSpec {
    guard let spec = specs[name] else {
      preconditionFailure("\(commandName) declares no argument named '\(name)'")
    }
    return spec
  }

  /// The value of a single-valued argument.
  private func single(_ name: String) -> ArgumentValue? {
    let spec = spec(name)
    precondition(
      !spec.isMultiValued, "\(commandName): '\(name)' takes several values; read it with a plural")
    return values[name]
  }

  /// The values of a multi-valued argument or of a comma list, flattened.
  private func elements(_ name: String) -> [ArgumentValue] {
    _ = spec(name)
    switch values[name] {
    case nil: return []
    case .list(let items)?:
      return items.flatMap { item -> [ArgumentValue] in
        if case .list(let inner) = item { return inner }
        return [item]
      }
    case let item?: mismatch(name, "a list", found: item)
    }
  }

  /// `value`, which the declaration guarantees for options with a default or
  /// `required`; a trap names the missing guarantee otherwise.
  private func present<T>(_ name: String, _ value: T?) -> T {
    let spec = spec(name)
    var guaranteed = spec.defaultValue != nil
    switch spec.role {
    case .option(_, let required, _): guaranteed = guaranteed || required
    case .positional(_, let arity): guaranteed = guaranteed || arity == .required
    case .flag: break
    }
    precondition(
      guaranteed,
      "\(commandName): '\(name)' has no default and is not required; use the optional accessor")
    guard let value else { preconditionFailure("\(commandName): '\(name)' has no value") }
    return value
  }

  private func mismatch(_ name: String, _ expected: String, found: ArgumentValue? = nil) -> Never {
    let actual = found ?? values[name]
    preconditionFailure(
      "\(commandName): '\(name)' is not \(expected) (holds \(String(describing: actual)))")
  }
}
