import Arguments

/// `spurious demo`: the whole study on generated data, no download needed.
enum DemoCommand: Command {
  static let name = "demo"
  static let summary =
    "Run the whole study on a generated dataset: train, find critical neurons, prune-finetune."
  static let arguments: [ArgumentSpec] = [
    SharedOptions.out("Folder for the demo's runs.", default: "experiments/demo"),
    SharedOptions.seed,
    .flag("quick", help: "A smaller dataset and fewer epochs: a smoke test in about a minute."),
  ]

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
