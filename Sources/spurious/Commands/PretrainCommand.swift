import Arguments

/// `spurious pretrain`: ERM fine-tuning, one checkpoint and one metrics record per epoch.
enum PretrainCommand: Command {
  static let name = "pretrain"
  static let summary = "Train a model with ERM, saving a checkpoint every epoch."
  static let discussion = """
    Writes run.json, epoch_{e}.safetensors and metrics.jsonl (per-group accuracy per \
    epoch and split) into the run folder, as the reference's \
    SpuriousCorrelationPretrainingErm.py does. Without --init or --from-scratch, DeiT \
    models need an ImageNet checkpoint.
    """
  static let arguments: [ArgumentSpec] =
    ArgumentSpec.group(
      "Data options",
      [
        SharedOptions.dataset(),
        SharedOptions.data,
        .option(
          "resolution", .positiveInteger, default: "224", help: "Input image side, in pixels."),
        SharedOptions.augment,
      ])
    + ArgumentSpec.group(
      "Model options",
      [
        SharedOptions.architecture(),
        .option(
          "init", .path, valueName: "FILE",
          help: "Start from this ImageNet checkpoint (.pth or .safetensors); its classifier "
            + "is replaced by a new two-class head."),
        .flag(
          "from-scratch",
          help: "Start from random weights (what the reference does for resnet50)."),
        SharedOptions.head,
        SharedOptions.layerNormEpsilon,
      ])
    + ArgumentSpec.group(
      "Training options",
      [
        .option(
          "epochs", .nonNegativeInteger, defaultDescription: "40 for waterbirds, 20 for celeba",
          help: "Training epochs."),
        .option("batch-size", .positiveInteger, default: "256", help: "Images per step."),
        .option(
          "micro-batch", .positiveInteger, defaultDescription: "the batch size",
          help: "Images per forward pass; smaller values accumulate gradients to save memory "
            + "without changing the result."),
        .option(
          "optimizer", .choice(["adam", "sgd"], noun: "optimizer"), default: "adam",
          help: "The optimiser."),
        .option("lr", .positiveNumber, default: "5e-6", help: "Learning rate."),
        .option("weight-decay", .nonNegativeNumber, default: "0", help: "L2 weight decay."),
        .option("momentum", .fraction, default: "0.9", help: "SGD momentum."),
        SharedOptions.scheduler,
        SharedOptions.seed,
        SharedOptions.threads,
        .flag(
          "reference-train-eval",
          help: "Evaluate the training split with augmentation and shuffling, as the "
            + "reference does, instead of with the evaluation transform."),
      ])
    + ArgumentSpec.group(
      "Output options",
      [
        SharedOptions.out("The run folder.", default: "experiments/<arch>_<dataset>_erm_<lr>"),
        SharedOptions.resume,
        SharedOptions.force,
        SharedOptions.savePth,
      ])

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
