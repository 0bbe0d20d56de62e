import Arguments
import Foundation

/// Runs one invocation of `spurious` and maps its outcome to an exit status.
///
/// Results of `--help` and `--version` go to standard output; every error goes to
/// standard error as `error: <sentence>`, never as a Swift trace:
/// - `UsageError` (status 2) adds a line pointing at the command's help;
/// - `CommandFailure.interrupted` (status 3);
/// - anything else (status 1) prints its `LocalizedError.errorDescription`, else its
///   `CustomStringConvertible.description`.
enum Launcher {
  /// The command tree, checked once at start-up.
  static let parser = CommandLineParser(root: SpuriousCommand.self, version: Version.line)

  static func run(_ arguments: [String]) -> Int32 {
    Interrupt.install()
    var commandPath = SpuriousCommand.name
    do {
      switch try parser.parse(arguments) {
      case .help(let text):
        Console.output(text)
      case .version(let line):
        Console.output(line + "\n")
      case .run(let command, let parsed):
        commandPath = parsed.commandName
        try command.run(parsed)
        if Interrupt.isRequested {
          Console.diagnostic("stopped: '\(commandPath)' was interrupted\n")
          return ExitStatus.interrupted
        }
      }
      return ExitStatus.success
    } catch var error as UsageError {
      if error.commandPath.isEmpty { error.commandPath = commandPath }
      Console.diagnostic(
        "error: \(error.message)\nRun '\(error.commandPath) --help' for usage.\n")
      return ExitStatus.usage
    } catch let error as CommandFailure {
      Console.diagnostic("error: \(error)\n")
      if case .interrupted = error { return ExitStatus.interrupted }
      return ExitStatus.failure
    } catch {
      Console.diagnostic("error: \(message(for: error))\n")
      return ExitStatus.failure
    }
  }

  /// The sentence a library error carries, whichever protocol it uses to say it.
  static func message(for error: any Error) -> String {
    if let localized = error as? LocalizedError, let text = localized.errorDescription {
      return text
    }
    // Uses `description` when the type has one, else the case name as Swift prints it.
    return String(describing: error)
  }
}
