import Foundation

/// One declared argument of a command: a flag, an option with a value, or a positional.
///
/// Commands list their specs in a static array; the parser checks the declarations
/// once (unique names, defaults that parse, positional order) and traps on a mistake,
/// so a typo in a declaration fails the first time the tool starts, not in the field.
///
/// ```swift
/// static let arguments: [ArgumentSpec] = [
///   .option("epochs", .nonNegativeInteger, default: "40", help: "Training epochs."),
///   .flagPair("augment", default: true, help: "Augment training images."),
///   .positional("image", .path, arity: .oneOrMore, help: "Images to classify."),
/// ]
/// ```
public struct ArgumentSpec {
  /// How many values a positional argument takes.
  public enum Arity: Equatable {
    /// Exactly one (`FILE`).
    case required
    /// Zero or one (`[FILE]`).
    case optional
    /// At least one (`IMAGE...`).
    case oneOrMore
    /// Any number (`[FILE...]`).
    case zeroOrMore
  }

  enum Role {
    /// `--name` sets true; `inverse` (for `--no-name`) sets false.
    case flag(inverse: String?, defaultValue: Bool)
    case option(ValueKind.Storage, required: Bool, repeating: Bool)
    case positional(ValueKind.Storage, Arity)
  }

  /// The long name without dashes (`epochs`), or the positional's name (`image`, shown
  /// uppercased as `IMAGE`). Accessors on `ParsedArguments` take this name.
  public let name: String
  let role: Role
  /// A one-letter alias (`-o` for `--out`).
  public let short: Character?
  /// One or two sentences for the help listing.
  public let help: String
  /// The value used when the argument is absent, as it would be typed.
  public let defaultValue: String?
  /// Shown in help instead of `defaultValue` when the default depends on other options
  /// ("40 for waterbirds, 20 for celeba"); the command then computes it.
  public let defaultDescription: String?
  /// The placeholder in help (`--out DIR`); derived from the kind when nil.
  public let valueName: String?
  /// The help section the argument is listed under ("Training options").
  public internal(set) var group: String?

  /// A boolean switch, false unless given: `--force`.
  public static func flag(
    _ name: String, short: Character? = nil, help: String
  ) -> ArgumentSpec {
    ArgumentSpec(
      name: name, role: .flag(inverse: nil, defaultValue: false), short: short, help: help,
      defaultValue: nil, defaultDescription: nil, valueName: nil, group: nil)
  }

  /// A switch with both spellings, `--augment` and `--no-augment`, and a default.
  public static func flagPair(_ name: String, default value: Bool, help: String) -> ArgumentSpec {
    ArgumentSpec(
      name: name, role: .flag(inverse: "no-" + name, defaultValue: value), short: nil,
      help: help, defaultValue: nil, defaultDescription: nil, valueName: nil, group: nil)
  }

  /// An option that takes a value: `--epochs 40` or `--epochs=40`.
  ///
  /// - Parameters:
  ///   - kind: what the value must be; errors and help text come from it.
  ///   - default: the value when the option is absent, as typed on a command line.
  ///   - defaultDescription: help text for a default the command computes itself.
  ///   - required: the command cannot run without it (no default allowed then).
  ///   - repeating: the option may be given several times; read with `strings`, `ints`.
  public static func option(
    _ name: String, short: Character? = nil, _ kind: ValueKind, valueName: String? = nil,
    default value: String? = nil, defaultDescription: String? = nil, required: Bool = false,
    repeating: Bool = false, help: String
  ) -> ArgumentSpec {
    ArgumentSpec(
      name: name, role: .option(kind.storage, required: required, repeating: repeating),
      short: short, help: help, defaultValue: value, defaultDescription: defaultDescription,
      valueName: valueName, group: nil)
  }

  /// A positional argument: `FILE`, `[FILE]`, `IMAGE...`.
  public static func positional(
    _ name: String, _ kind: ValueKind = .path, arity: Arity = .required,
    default value: String? = nil, help: String
  ) -> ArgumentSpec {
    ArgumentSpec(
      name: name, role: .positional(kind.storage, arity), short: nil, help: help,
      defaultValue: value, defaultDescription: nil, valueName: nil, group: nil)
  }

  /// `specs` listed under their own heading in help ("Training options").
  public static func group(_ title: String, _ specs: [ArgumentSpec]) -> [ArgumentSpec] {
    specs.map { spec in
      var spec = spec
      spec.group = title
      return spec
    }
  }
}

extension ArgumentSpec {
  var isPositional: Bool {
    if case .positional = role { return true }
    return false
  }

  var kind: ValueKind.Storage? {
    switch role {
    case .flag: return nil
    case .option(let kind, _, _), .positional(let kind, _): return kind
    }
  }

  /// How the argument appears in messages: `--epochs`, `IMAGE`.
  var displayName: String {
    isPositional ? name.uppercased().replacingOccurrences(of: "-", with: "_") : "--" + name
  }

  /// The positional as it appears in a usage line: `FILE`, `[FILE]`, `IMAGE...`.
  var usageName: String {
    guard case .positional(_, let arity) = role else { return displayName }
    switch arity {
    case .required: return displayName
    case .optional: return "[\(displayName)]"
    case .oneOrMore: return "\(displayName)..."
    case .zeroOrMore: return "[\(displayName)...]"
    }
  }

  /// The placeholder after an option in help: `DIR` in `--out DIR`.
  var placeholder: String { valueName ?? kind?.placeholder ?? "" }

  /// Whether the argument may collect several values (repeated option, variadic).
  var isMultiValued: Bool {
    switch role {
    case .flag: return false
    case .option(_, _, let repeating): return repeating
    case .positional(_, let arity): return arity == .oneOrMore || arity == .zeroOrMore
    }
  }
}
