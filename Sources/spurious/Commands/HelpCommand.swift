import Arguments

/// `spurious help [COMMAND...]`: the help page of any command.
enum HelpCommand: Command {
  static let name = "help"
  static let summary = "Show the help of a command."
  static let arguments: [ArgumentSpec] = [
    .positional(
      "command", .text, arity: .zeroOrMore,
      help: "The command, and subcommand if any (`study largest`). Without one, the "
        + "overview of all commands.")
  ]

  static func run(_ arguments: ParsedArguments) throws {
    Console.output(try Launcher.parser.helpText(forCommandNamed: arguments.strings("command")))
  }
}
