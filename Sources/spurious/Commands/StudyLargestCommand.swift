import Arguments

/// `spurious study largest`: channels with the largest weight norm (reference §4.3).
enum StudyLargestCommand: Command {
  static let name = "largest"
  static let summary = "Modify the channels with the largest L2 weight norm."
  static let arguments: [ArgumentSpec] =
    ArgumentSpec.group(
      "Selection options",
      [
        .option(
          "top-k", .positiveInteger, default: "3",
          help: "Channels to select, greedily (each pick is zeroed before the next).")
      ]) + StudyCommand.sharedOptions()

  static func run(_ arguments: ParsedArguments) throws {
    try StudyInvocation.run(arguments, kind: .largest)
  }
}
