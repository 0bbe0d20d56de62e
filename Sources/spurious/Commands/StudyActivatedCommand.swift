import Arguments

/// `spurious study activated`: channels with the largest loss gradient (reference §4.4).
enum StudyActivatedCommand: Command {
  static let name = "activated"
  static let summary =
    "Modify the channels most activated by the worst-classified samples of each group."
  static let arguments: [ArgumentSpec] =
    ArgumentSpec.group(
      "Selection options",
      [
        .option(
          "top-k", .positiveInteger, default: "3",
          help: "Channels to select per group, by gradient magnitude.")
      ]) + StudyCommand.sharedOptions()

  static func run(_ arguments: ParsedArguments) throws {
    try StudyInvocation.run(arguments, kind: .activated)
  }
}
