import Arguments

/// `spurious study threshold`: every weight beyond a magnitude threshold (reference §4.5).
enum StudyThresholdCommand: Command {
  static let name = "threshold"
  static let summary = "Modify every weight above (or below) a magnitude threshold."
  static let arguments: [ArgumentSpec] =
    ArgumentSpec.group(
      "Selection options",
      [
        .option(
          "percentage", .fraction, default: "0.05",
          help: "Fraction of the prunable convolution weights that sets the threshold."),
        .flag("smallest", help: "Select the smallest weights instead of the largest."),
        .option(
          "dropout-p", .fraction, default: "0",
          help: "Fraction of the selected weights left untouched, drawn at random."),
      ]) + StudyCommand.sharedOptions()

  static func run(_ arguments: ParsedArguments) throws {
    try StudyInvocation.run(arguments, kind: .threshold)
  }
}
