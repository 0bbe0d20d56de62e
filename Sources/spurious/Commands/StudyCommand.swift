import Arguments

/// `spurious study largest|activated|threshold`: the paper's Part I experiments.
enum StudyCommand: Command {
  static let name = "study"
  static let summary = "Modify a trained model's critical neurons and measure per-group accuracy."
  static let discussion = """
    Each study selects neurons of a trained model, modifies them (zero, random init, \
    random noise, rewind) and compares per-group accuracy with the unmodified model, \
    averaged over repeated runs.
    """
  static let subcommands: [any Command.Type] = [
    StudyLargestCommand.self,
    StudyActivatedCommand.self,
    StudyThresholdCommand.self,
  ]

  /// The options every study shares, in help order; each study adds its selection options.
  static func sharedOptions() -> [ArgumentSpec] {
    ArgumentSpec.group(
      "Data options",
      [
        SharedOptions.checkpoint,
        SharedOptions.dataset(),
        SharedOptions.data,
        SharedOptions.split(default: "train"),
        .option(
          "resolution", .positiveInteger, defaultDescription: "the checkpoint's, else 224",
          help: "Input image side, in pixels."),
        CommandModels.architectureFromCheckpoint,
        CommandModels.layerNormEpsilonFromCheckpoint,
        .option(
          "baseline-split", .choice(SharedOptions.splits, noun: "split"),
          defaultDescription: "--split",
          help: "The split of the unmodified model's accuracy line (the first version of "
            + "the reference used train while modifying on test)."),
      ])
      + ArgumentSpec.group(
        "Modification options",
        [
          .option(
            "scope", .choice(["reference", "prunable"], noun: "scope"), default: "reference",
            help: "Candidate layers: those the reference searches (largest: no downsample; "
              + "threshold: modifies every parameter, batch norm included), or only the "
              + "prunable weights (every convolution; ViT: qkv, proj, fc1, fc2)."),
          .option(
            "mode", .choice(["zero", "random_init", "random_noise", "rewind"], noun: "mode"),
            default: "zero", help: "How the selected weights change."),
          .option(
            "noise-std", .nonNegativeNumber, default: "0",
            help: "Scale of the random values of random_init and random_noise."),
          .option(
            "rewind-epochs", .nonNegativeInteger, default: "0",
            help: "For rewind: take the weights from this many epochs before the checkpoint."),
          .option(
            "rewind-from", .path, valueName: "FILE",
            help: "For rewind: the earlier checkpoint itself, instead of --rewind-epochs."),
          .option(
            "runs", .positiveInteger, defaultDescription: "as the reference for the mode",
            help: "Repetitions of the modified evaluation (random modes differ each run)."),
          SharedOptions.seed,
          SharedOptions.threads,
        ])
      + ArgumentSpec.group(
        "Output options",
        [
          SharedOptions.out(
            "Folder for the reference-format text report and study.json.",
            default: "study_<split>_<reference file name> beside the checkpoint"),
          SharedOptions.force,
          SharedOptions.json,
        ])
  }
}
