/// What the command line asks for.
public enum Invocation {
  /// Run `command` with `arguments`.
  case run(any Command.Type, ParsedArguments)
  /// Print this help text to standard output and exit successfully.
  case help(String)
  /// Print this version line to standard output and exit successfully.
  case version(String)
}

/// Turns a command line into an `Invocation` for a tree of commands.
///
/// Rules:
/// - Words select subcommands from the root down (`study largest`); options and
///   positionals follow, in any order.
/// - `--name value`, `--name=value`, and `-x value` for declared short aliases.
///   A value may start with `-` only if it is a number (`--shift -3`) or written
///   with `=` (`--out=-odd-name`).
/// - `--` ends the options: every later word is a positional.
/// - `--help` or `-h` anywhere before `--` asks for the help of the deepest command
///   named so far, and wins over every error.
/// - A group named without a subcommand (`spurious`, `spurious study`) asks for its
///   help: listing what exists is a fair answer to "what can this do?".
/// - An option given twice is an error (which one was meant?), except repeatable ones.
///
/// Not supported, by choice (each would make some typo mean something): clustered
/// short flags (`-xvf`), values glued to a short alias (`-j4`), and abbreviated long
/// options (`--epo`; a unique prefix is only suggested, never accepted).
public struct CommandLineParser {
  /// The top of the tree; its name is the program name in help and messages.
  public let root: any Command.Type
  /// The version line printed for `--version` at the root; nil to disable it.
  public let version: String?

  /// Checks every declaration in the tree (trapping on mistakes) and keeps it.
  public init(root: any Command.Type, version: String? = nil) {
    self.root = root
    self.version = version
    Self.validateTree(root, path: [])
  }

  /// Resolves `arguments` (without the program name) against the tree.
  /// - Throws: `UsageError` naming the mistake, with `commandPath` set to the command
  ///   whose help explains it.
  public func parse(_ arguments: [String]) throws -> Invocation {
    let options = arguments.prefix { $0 != "--" }
    let wantsHelp = options.contains { $0 == "--help" || $0 == "-h" }
    var path: [any Command.Type] = [root]
    var index = 0

    // Walk down the groups.
    while let group = path.last, !group.subcommands.isEmpty {
      guard index < arguments.count else { return .help(helpText(for: path)) }
      let word = arguments[index]
      if wantsHelp && (word.hasPrefix("-") || subcommand(named: word, of: group) == nil) {
        return .help(helpText(for: path))
      }
      if word == "--version", path.count == 1, let version {
        if index + 1 < arguments.count {
          throw located(UsageError("unexpected argument '\(arguments[index + 1])'"), path)
        }
        return .version(version)
      }
      if word.hasPrefix("-") && word != "-" {
        var known = ["--help"]
        if path.count == 1 && version != nil { known.append("--version") }
        let suggestion = Suggestion.clause(for: word, among: known)
        throw located(UsageError("unknown option '\(word)'\(suggestion)"), path)
      }
      guard let next = subcommand(named: word, of: group) else {
        throw located(unknownSubcommand(word, of: path), path)
      }
      path.append(next)
      index += 1
    }

    if wantsHelp { return .help(helpText(for: path)) }
    do {
      let parsed = try parseLeaf(
        Array(arguments[index...]), of: path.last!, commandPath: path.map { $0.name })
      return .run(path.last!, parsed)
    } catch let error as UsageError {
      throw located(error, path)
    }
  }

  /// The help of the command named by `words` below the root (`["study", "largest"]`),
  /// as `spurious help study largest` shows it.
  public func helpText(forCommandNamed words: [String]) throws -> String {
    var path: [any Command.Type] = [root]
    for word in words {
      guard let next = subcommand(named: word, of: path.last!) else {
        if path.last!.subcommands.isEmpty {
          let name = path.map { $0.name }.joined(separator: " ")
          throw located(UsageError("'\(name)' has no subcommands, got '\(word)'"), path)
        }
        throw located(unknownSubcommand(word, of: path), path)
      }
      path.append(next)
    }
    return helpText(for: path)
  }

  /// The help page of the last command in `path`.
  func helpText(for path: [any Command.Type]) -> String {
    HelpFormatter(path: path, version: path.count == 1 ? version : nil).render()
  }

  // MARK: - Subcommands

  private func subcommand(named word: String, of group: any Command.Type) -> (any Command.Type)? {
    group.subcommands.first { $0.name == word }
  }

  private func unknownSubcommand(_ word: String, of path: [any Command.Type]) -> UsageError {
    let suggestion = Suggestion.clause(for: word, among: path.last!.subcommands.map { $0.name })
    if path.count == 1 { return UsageError("unknown command '\(word)'\(suggestion)") }
    let name = path.map { $0.name }.joined(separator: " ")
    return UsageError("'\(name)' has no subcommand '\(word)'\(suggestion)")
  }

  private func located(_ error: UsageError, _ path: [any Command.Type]) -> UsageError {
    var error = error
    error.commandPath = path.map { $0.name }.joined(separator: " ")
    return error
  }
}
