extension CommandLineParser {
  /// Parses the words after a leaf command's name into its declared arguments.
  func parseLeaf(
    _ words: [String], of command: any Command.Type, commandPath: [String]
  ) throws -> ParsedArguments {
    let specs = command.arguments
    var result = ParsedArguments(commandPath: commandPath, specs: specs)

    // Long spellings (`epochs`, `no-augment`) and short aliases to their specs.
    var long: [String: ArgumentSpec] = [:]
    var short: [Character: ArgumentSpec] = [:]
    var spellings: [String] = []
    for spec in specs where !spec.isPositional {
      long[spec.name] = spec
      spellings.append("--" + spec.name)
      if case .flag(let inverse?, _) = spec.role {
        long[inverse] = spec
        spellings.append("--" + inverse)
      }
      if let letter = spec.short { short[letter] = spec }
    }
    spellings.append("--help")

    var positionalWords: [String] = []
    var firstSpelling: [String: String] = [:]
    var index = 0
    var optionsEnded = false
    while index < words.count {
      let word = words[index]
      index += 1
      if optionsEnded || !Self.looksLikeOption(word) {
        positionalWords.append(word)
        continue
      }
      if word == "--" {
        optionsEnded = true
        continue
      }

      // Name the spec and the spelling used; split off an `=value`.
      let spec: ArgumentSpec
      let spelling: String
      var inlineValue: String?
      if word.hasPrefix("--") {
        let body = word.dropFirst(2)
        let name = body.prefix { $0 != "=" }
        spelling = "--" + name
        if name.count < body.count { inlineValue = String(body.dropFirst(name.count + 1)) }
        guard let found = long[String(name)] else {
          let suggestion = Suggestion.clause(for: spelling, among: spellings)
          throw UsageError("unknown option '\(spelling)'\(suggestion)")
        }
        spec = found
      } else {
        spelling = word
        guard word.count == 2, let found = short[word.last!] else {
          throw UsageError("unknown option '\(word)'")
        }
        spec = found
      }

      switch spec.role {
      case .flag(let inverse, _):
        if let inlineValue {
          throw UsageError("\(spelling) does not take a value, got '\(inlineValue)'")
        }
        let value = spelling != "--" + (inverse ?? "")
        if let earlier = firstSpelling[spec.name], earlier != spelling {
          throw UsageError("\(earlier) and \(spelling) contradict each other")
        }
        firstSpelling[spec.name] = spelling
        result.flags[spec.name] = value
        result.given.insert(spec.name)

      case .option(let kind, _, let repeating):
        let raw: String
        if let inlineValue {
          raw = inlineValue
        } else if index < words.count, !Self.looksLikeOption(words[index]) {
          raw = words[index]
          index += 1
        } else {
          throw UsageError("missing value for \(spelling)")
        }
        let value = try kind.parse(raw, subject: spelling).get()
        if repeating {
          var items: [ArgumentValue] = []
          if result.given.contains(spec.name), case .list(let earlier)? = result.values[spec.name] {
            items = earlier
          }
          result.values[spec.name] = .list(items + [value])
        } else {
          if let earlier = firstSpelling[spec.name] {
            throw UsageError("\(earlier) is given more than once")
          }
          result.values[spec.name] = value
        }
        firstSpelling[spec.name] = spelling
        result.given.insert(spec.name)

      case .positional:
        preconditionFailure("positionals have no spelling")
      }
    }

    try assignPositionals(positionalWords, specs: specs, into: &result)
    try fillDefaults(specs: specs, into: &result)
    return result
  }

  /// Hands the positional words to the positional specs in order.
  private func assignPositionals(
    _ words: [String], specs: [ArgumentSpec], into result: inout ParsedArguments
  ) throws {
    var remaining = words[...]
    for spec in specs {
      guard case .positional(let kind, let arity) = spec.role else { continue }
      let taken: ArraySlice<String>
      switch arity {
      case .required, .optional: taken = remaining.prefix(1)
      case .oneOrMore, .zeroOrMore: taken = remaining
      }
      remaining = remaining.dropFirst(taken.count)
      if taken.isEmpty && (arity == .required || arity == .oneOrMore) {
        throw UsageError("missing required argument \(spec.usageName)")
      }
      if taken.isEmpty { continue }

      let values = try taken.map { try kind.parse($0, subject: spec.displayName).get() }
      result.values[spec.name] = spec.isMultiValued ? .list(values) : values[0]
      result.given.insert(spec.name)
    }
    if let extra = remaining.first {
      throw UsageError("unexpected argument '\(extra)'")
    }
  }

  /// Checks required options and fills in declared defaults.
  private func fillDefaults(specs: [ArgumentSpec], into result: inout ParsedArguments) throws {
    for spec in specs where !result.given.contains(spec.name) {
      guard let kind = spec.kind else { continue }
      if case .option(_, true, _) = spec.role {
        throw UsageError("missing required option \(spec.displayName)")
      }
      guard let raw = spec.defaultValue else { continue }
      // Validated at declaration, so this cannot fail.
      let value = try kind.parse(raw, subject: spec.displayName).get()
      result.values[spec.name] = spec.isMultiValued ? .list([value]) : value
    }
  }

  /// Whether a word is an option (or `--`) rather than a value: it starts with `-`
  /// and is neither `-` alone (standard input, by convention) nor a number.
  static func looksLikeOption(_ word: String) -> Bool {
    guard word.hasPrefix("-"), word != "-" else { return false }
    return Double(word) == nil
  }
}
