/// What an option or positional argument accepts, and how to say so in an error.
///
/// Build one with the static factories (`.nonNegativeInteger`, `.number(in: 0...1)`,
/// `.choice(["adam", "sgd"], noun: "optimizer")`, `.list(of: .nonNegativeInteger)`).
public struct ValueKind {
  indirect enum Storage {
    case integer(min: Int, max: Int)
    case number(min: Double?, minExclusive: Bool, max: Double?)
    case text
    case path
    case choice(noun: String, names: [String])
    case list(Storage)
    case custom(singular: String, plural: String, isValid: (String) -> Bool)
  }

  let storage: Storage

  /// Any integer in `range` (both ends included).
  public static func integer(in range: ClosedRange<Int> = Int.min...Int.max) -> ValueKind {
    ValueKind(storage: .integer(min: range.lowerBound, max: range.upperBound))
  }
  /// 0, 1, 2, ...: counts, epochs, seeds.
  public static let nonNegativeInteger = integer(in: 0...Int.max)
  /// 1, 2, 3, ...: sizes and repetitions that cannot be zero.
  public static let positiveInteger = integer(in: 1...Int.max)

  /// Any finite number in `range` (both ends included).
  public static func number(in range: ClosedRange<Double>) -> ValueKind {
    ValueKind(storage: .number(min: range.lowerBound, minExclusive: false, max: range.upperBound))
  }
  /// Any finite number.
  public static let anyNumber = ValueKind(
    storage: .number(min: nil, minExclusive: false, max: nil))
  /// Any finite number >= 0: weight decay, noise standard deviations.
  public static let nonNegativeNumber = ValueKind(
    storage: .number(min: 0, minExclusive: false, max: nil))
  /// Any finite number > 0: learning rates, temperatures.
  public static let positiveNumber = ValueKind(
    storage: .number(min: 0, minExclusive: true, max: nil))
  /// A number from 0 to 1: fractions and probabilities.
  public static let fraction = number(in: 0...1)

  /// Any non-empty text.
  public static let text = ValueKind(storage: .text)
  /// A file or folder path (non-empty; whether it exists is the command's business).
  public static let path = ValueKind(storage: .path)

  /// One of `names`; `noun` names what they are in errors ("architecture" gives
  /// "'resnet51' is not an architecture; choose one of ...").
  public static func choice(_ names: [String], noun: String) -> ValueKind {
    ValueKind(storage: .choice(noun: noun, names: names))
  }

  /// A comma-separated list such as `0,1,3`, each element of kind `element`.
  public static func list(of element: ValueKind) -> ValueKind {
    ValueKind(storage: .list(element.storage))
  }

  /// Text that `isValid` accepts; `singular` and `plural` describe it in errors and
  /// help ("a shard i/n", "shards i/n").
  public static func custom(
    _ singular: String, plural: String, isValid: @escaping (String) -> Bool
  ) -> ValueKind {
    ValueKind(storage: .custom(singular: singular, plural: plural, isValid: isValid))
  }
}

extension ValueKind.Storage {
  /// The value `raw` stands for, or a usage error naming `subject` (`--epochs`, `FILE`).
  func parse(_ raw: String, subject: String) -> Result<ArgumentValue, UsageError> {
    switch self {
    case .integer(let min, let max):
      if let value = Int(raw), value >= min, value <= max { return .success(.integer(value)) }
    case .number(let min, let minExclusive, let max):
      if let value = Double(raw), value.isFinite,
        min.map({ minExclusive ? value > $0 : value >= $0 }) ?? true,
        max.map({ value <= $0 }) ?? true
      {
        return .success(.number(value))
      }
    case .text, .path:
      if !raw.isEmpty { return .success(.text(raw)) }
    case .choice(let noun, let names):
      if names.contains(raw) { return .success(.text(raw)) }
      return .failure(UsageError(choiceMessage(raw, noun: noun, names: names)))
    case .list(let element):
      var values: [ArgumentValue] = []
      for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
        switch element.parse(String(item), subject: subject) {
        case .success(let value): values.append(value)
        case .failure(let error):
          // A bad choice already names the element and the allowed names.
          if case .choice = element { return .failure(error) }
          return .failure(UsageError("\(subject) expects \(expectation), got '\(raw)'"))
        }
      }
      return .success(.list(values))
    case .custom(_, _, let isValid):
      if isValid(raw) { return .success(.text(raw)) }
    }
    return .failure(UsageError("\(subject) expects \(expectation), got '\(raw)'"))
  }

  private func choiceMessage(_ raw: String, noun: String, names: [String]) -> String {
    "'\(raw)' is not \(withArticle(noun)); choose one of \(names.joined(separator: ", "))"
  }

  /// What the kind accepts, as a noun phrase with its article: "a non-negative integer".
  var expectation: String { describe(plural: false) }

  func describe(plural: Bool) -> String {
    switch self {
    case .integer(let min, let max):
      let noun = plural ? "integers" : "integer"
      let article = plural ? "" : "an "
      switch (min, max) {
      case (Int.min, Int.max): return article + noun
      case (0, Int.max): return (plural ? "" : "a ") + "non-negative " + noun
      case (1, Int.max): return (plural ? "" : "a ") + "positive " + noun
      case (_, Int.max): return article + noun + " of at least \(min)"
      case (Int.min, _): return article + noun + " of at most \(max)"
      default: return article + noun + " from \(min) to \(max)"
      }
    case .number(let min, let minExclusive, let max):
      let noun = plural ? "numbers" : "number"
      let article = plural ? "" : "a "
      switch (min, max) {
      case (nil, nil): return article + noun
      case (0?, nil): return article + (minExclusive ? "positive " : "non-negative ") + noun
      case (let low?, nil):
        return article + noun + (minExclusive ? " greater than " : " of at least ")
          + formatNumber(low)
      case (nil, let high?): return article + noun + " of at most " + formatNumber(high)
      case (let low?, let high?):
        return article + noun + " from \(formatNumber(low)) to \(formatNumber(high))"
      }
    case .text: return plural ? "non-empty values" : "a non-empty value"
    case .path: return plural ? "paths" : "a path"
    case .choice(let noun, _): return plural ? "\(noun) names" : withArticle(noun) + " name"
    case .list(let element):
      return (plural ? "" : "a ") + "comma-separated list of " + element.describe(plural: true)
    case .custom(let singular, let pluralPhrase, _): return plural ? pluralPhrase : singular
    }
  }

  /// The placeholder shown in help when the spec names none.
  var placeholder: String {
    switch self {
    case .integer: return "N"
    case .number: return "X"
    case .text: return "TEXT"
    case .path: return "PATH"
    case .choice: return "NAME"
    case .list(let element): return "\(element.placeholder),..."
    case .custom: return "VALUE"
    }
  }

  /// The allowed names of a choice (or a list of choices), for help text.
  var choiceNames: [String]? {
    switch self {
    case .choice(_, let names): return names
    case .list(let element): return element.choiceNames
    default: return nil
    }
  }
}

/// `noun` with "a" or "an" before it, chosen by its first letter (right for the nouns
/// used here; a noun like "hour" would need its article spelled out).
func withArticle(_ noun: String) -> String {
  let vowels: Set<Character> = ["a", "e", "i", "o", "u"]
  let startsWithVowel = noun.first.map { vowels.contains($0) } ?? false
  return (startsWithVowel ? "an " : "a ") + noun
}

/// `3` for 3.0, `0.5`, `1e-05` for 0.00001: short text that reads back exactly.
func formatNumber(_ value: Double) -> String {
  if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
  return "\(value)"
}
