import Arguments

/// `spurious prune-finetune`: the paper's Part II method (reference §4.2).
enum PruneFinetuneCommand: Command {
  static let name = "prune-finetune"
  static let summary =
    "Fine-tune an ERM model against its magnitude-pruned self to close the group gap."
  static let discussion = """
    Each epoch masks the smallest weights, then trains with NT-Xent between the full and \
    the pruned network plus weighted cross-entropy, as the reference's \
    SpuriousCorrelationFinetuningPruning.py does. Saved and evaluated models are unpruned.
    """
  static let arguments: [ArgumentSpec] =
    ArgumentSpec.group(
      "Data options",
      [
        SharedOptions.checkpoint,
        SharedOptions.dataset(),
        SharedOptions.data,
        SharedOptions.architecture(),
        SharedOptions.augment,
      ])
    + ArgumentSpec.group(
      "Training options",
      [
        .option(
          "prune-percent", .fraction, default: "0.01",
          help: "Fraction of weights masked by magnitude, recomputed every epoch."),
        .option(
          "temperature", .positiveNumber, default: "0.5", help: "NT-Xent temperature."),
        .option(
          "ce-weight", .nonNegativeNumber, default: "0.2",
          help: "Weight of the cross-entropy term against the contrastive terms."),
        .option("epochs", .nonNegativeInteger, default: "21", help: "Training epochs."),
        .option("lr", .positiveNumber, default: "2e-4", help: "Learning rate (Adam)."),
        .option("batch-size", .positiveInteger, default: "100", help: "Images per step."),
        SharedOptions.scheduler,
        SharedOptions.seed,
      ])
    + ArgumentSpec.group(
      "Output options",
      [
        SharedOptions.out("The run folder.", default: "experiments/<arch>_<dataset>_prune_ft"),
        SharedOptions.resume,
        SharedOptions.force,
        SharedOptions.savePth,
      ])

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
