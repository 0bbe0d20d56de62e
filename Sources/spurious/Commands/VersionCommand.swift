import Arguments

/// `spurious version`: the same line as `spurious --version`.
enum VersionCommand: Command {
  static let name = "version"
  static let summary = "Print the version."

  static func run(_ arguments: ParsedArguments) throws {
    Console.output(Version.line + "\n")
  }
}
