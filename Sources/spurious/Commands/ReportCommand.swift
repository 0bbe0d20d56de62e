import Arguments

/// `spurious report PATHS...`: the paper's tables from run folders.
enum ReportCommand: Command {
  static let name = "report"
  static let summary = "Summarise run folders and result files as tables."
  static let arguments: [ArgumentSpec] = [
    .positional(
      "paths", .path, arity: .oneOrMore,
      help: "Run folders or result files; folders are searched recursively."),
    .option(
      "format", .choice(["markdown", "csv", "json"], noun: "format"), default: "markdown",
      help: "The table format on standard output."),
    .option(
      "figure", .path, valueName: "FILE",
      help: "Also draw per-group accuracy over epochs as an SVG file."),
  ]

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
