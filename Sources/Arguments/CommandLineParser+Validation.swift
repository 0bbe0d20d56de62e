extension CommandLineParser {
  /// Traps on a declaration mistake anywhere in the tree under `command`: duplicate
  /// names, malformed names, defaults that do not parse, positionals out of order.
  /// These are programming errors, caught the first time the tool starts.
  static func validateTree(_ command: any Command.Type, path: [String]) {
    let path = path + [command.name]
    let context = path.joined(separator: " ")
    precondition(isValidName(command.name), "\(context): malformed command name")
    precondition(!command.summary.isEmpty, "\(context): missing summary")

    if !command.subcommands.isEmpty {
      precondition(command.arguments.isEmpty, "\(context): a group cannot declare arguments")
      var seen: Set<String> = []
      for subcommand in command.subcommands {
        precondition(
          seen.insert(subcommand.name).inserted, "\(context): two subcommands '\(subcommand.name)'")
        validateTree(subcommand, path: path)
      }
      return
    }
    validateArguments(command.arguments, in: context)
  }

  static func validateArguments(_ specs: [ArgumentSpec], in context: String) {
    var names: Set<String> = ["help", "version"]
    var shorts: Set<Character> = ["h"]
    var previousArity: ArgumentSpec.Arity?
    for spec in specs {
      let label = "\(context): '\(spec.name)'"
      precondition(isValidName(spec.name), "\(label) is not a lowercase-hyphenated name")
      precondition(names.insert(spec.name).inserted, "\(label) is declared twice or reserved")
      precondition(!spec.help.isEmpty, "\(label) has no help text")
      if let short = spec.short {
        precondition(short.isLetter || short.isNumber, "\(label): bad short alias '\(short)'")
        precondition(shorts.insert(short).inserted, "\(label): short alias -\(short) taken")
      }

      switch spec.role {
      case .flag(let inverse, _):
        if let inverse {
          precondition(names.insert(inverse).inserted, "\(label): --\(inverse) is taken")
        }
      case .option(_, let required, _):
        precondition(!(required && spec.defaultValue != nil), "\(label): required with default")
      case .positional(_, let arity):
        precondition(spec.short == nil, "\(label): a positional has no short alias")
        if let previousArity {
          // Only the last positional may be optional or variadic, or the parser
          // could not tell which one a value belongs to.
          precondition(previousArity == .required, "\(label) follows an optional or variadic one")
        }
        previousArity = arity
        precondition(
          spec.defaultValue == nil || arity == .optional,
          "\(label): only an optional positional may have a default")
      }

      if let kind = spec.kind {
        if case .choice(_, let choices) = kind {
          precondition(!choices.isEmpty, "\(label): empty choice list")
          precondition(Set(choices).count == choices.count, "\(label): repeated choice")
        }
        if let value = spec.defaultValue, case .failure(let error) = kind.parse(value, subject: "")
        {
          preconditionFailure("\(label): default '\(value)' does not parse: \(error.message)")
        }
      }
    }
  }

  /// ASCII lowercase letters, digits and `-`, starting with a letter (`batch-size`).
  static func isValidName(_ name: String) -> Bool {
    guard let first = name.first, ("a"..."z").contains(first) else { return false }
    return name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
  }
}
