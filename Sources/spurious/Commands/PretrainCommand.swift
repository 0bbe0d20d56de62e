import Arguments
import Datasets
import Experiments
import Foundation
import Models

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
          help: "Images per forward pass; gradients of the pieces add up to the batch's, "
            + "saving memory, but batch-norm statistics then come from each piece."),
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
    let datasetName = DataArguments.datasetName(arguments)
    let architecture = try CommandModels.architecture(arguments.string("arch"))
    let resolution = arguments.int("resolution")
    let initialisation: Pretrain.Initialisation
    switch (arguments.optionalString("init"), arguments.flag("from-scratch")) {
    case (let path?, false): initialisation = .imageNet(URL(fileURLWithPath: path))
    case (nil, true): initialisation = .scratch
    case (_?, true): throw UsageError("--init and --from-scratch contradict each other")
    case (nil, false):
      throw UsageError(
        "say where the weights start: --init FILE (an ImageNet checkpoint) or --from-scratch")
    }
    let epochs =
      arguments.optionalInt("epochs") ?? (datasetName == "celeba" ? 20 : 40)
    let lr = arguments.double("lr")
    let out =
      arguments.optionalString("out").map(URL.init(fileURLWithPath:))
      ?? RunDirectory.defaultURL(
        name: "\(architecture.rawValue)_\(datasetName)_erm_\(lr)")
    let options = Pretrain.Options(
      data: try DataArguments.options(arguments, resolution: resolution),
      recipe: ModelRecipe(
        architecture: architecture, head: try CommandModels.head(arguments.string("head")),
        layerNormEpsilon: Float(arguments.double("layernorm-eps")), resolution: resolution),
      initialisation: initialisation, epochs: epochs, batchSize: arguments.int("batch-size"),
      microBatch: arguments.optionalInt("micro-batch"),
      optimizer: OptimizerSettings(
        kind: arguments.string("optimizer") == "sgd" ? .sgd : .adam, learningRate: lr,
        weightDecay: arguments.double("weight-decay"), momentum: arguments.double("momentum"),
        schedule: OptimizerSettings.Schedule(rawValue: arguments.string("scheduler")) ?? .plateau,
        plateauPatience: 3),
      augment: arguments.flag("augment"), seed: UInt64(arguments.int("seed")), output: out,
      resume: arguments.flag("resume"), force: arguments.flag("force"),
      savePth: arguments.flag("save-pth"),
      referenceTrainEval: arguments.flag("reference-train-eval"),
      commandLine: CommandLine.arguments, version: Version.number)
    Interrupt.allowGracefulStop()
    let printer = EventPrinter()
    let outcome = try CommandModels.interruptible {
      try Pretrain(
        options, onEvent: { printer.handle($0) }, shouldStop: { Interrupt.isRequested }
      ).run()
    }
    let names = try ExperimentData(options.data).groups.names
    for split in [Datasets.Split.train, .val, .test] {
      guard let metrics = outcome.finalMetrics[split] else { continue }
      Console.output(
        MetricsTable.render(metrics, names: names, title: "\(split) split, final model:") + "\n")
    }
    Console.output("run folder: \(outcome.directory.path)\n")
  }
}
