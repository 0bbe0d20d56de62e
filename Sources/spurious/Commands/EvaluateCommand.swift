import Arguments

/// `spurious evaluate`: accuracy of one checkpoint, per group.
enum EvaluateCommand: Command {
  static let name = "evaluate"
  static let summary = "Measure the per-group and worst-group accuracy of a checkpoint."
  static let arguments: [ArgumentSpec] = [
    SharedOptions.checkpoint,
    SharedOptions.dataset(),
    SharedOptions.data,
    SharedOptions.split(default: "test"),
    SharedOptions.architecture(),
    SharedOptions.json,
    SharedOptions.threads,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
