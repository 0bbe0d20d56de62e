import Arguments

/// Errors the executable itself raises while running a command.
enum CommandFailure: Error, CustomStringConvertible {
  /// A prepared command whose implementation has not been connected yet.
  case notAvailable(command: String)
  /// The command stopped after Ctrl-C; its files are consistent. Exits with status 3.
  case interrupted(command: String)

  var description: String {
    switch self {
    case .notAvailable(let command): return "'\(command)' is not available yet"
    case .interrupted(let command): return "'\(command)' was interrupted"
    }
  }
}

extension ParsedArguments {
  /// The error a prepared command throws until its `run` is written.
  var notAvailable: CommandFailure { .notAvailable(command: commandName) }
}
