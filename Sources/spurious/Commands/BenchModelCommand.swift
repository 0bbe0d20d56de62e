import Arguments

/// `spurious bench model`.
enum BenchModelCommand: Command {
  static let name = "model"
  static let summary = "Time a whole model: images per second in inference or training."
  static let arguments: [ArgumentSpec] =
    [
      SharedOptions.architecture(),
      .option("batch", .positiveInteger, default: "32", help: "Images per forward pass."),
      .option(
        "mode", .choice(["infer", "train"], noun: "mode"), default: "infer",
        help: "Forward only, or forward, backward and an optimiser step."),
      .option("resolution", .positiveInteger, default: "224", help: "Input image side."),
    ] + BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
