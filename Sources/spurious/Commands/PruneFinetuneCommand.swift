import Arguments
import Experiments
import Foundation

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
        CommandModels.architectureFromCheckpoint,
        CommandModels.layerNormEpsilonFromCheckpoint,
        .option(
          "resolution", .positiveInteger, defaultDescription: "the checkpoint's, else 224",
          help: "Input image side, in pixels."),
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
        SharedOptions.threads,
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
    let checkpoint = URL(fileURLWithPath: arguments.string("checkpoint"))
    let resolution = try StudyInvocation.resolution(arguments, checkpoint: checkpoint)
    let out =
      arguments.optionalString("out").map(URL.init(fileURLWithPath:))
      ?? RunDirectory.defaultURL(name: "\(arguments.string("dataset"))_prune_ft")
    let options = PruneFinetune.Options(
      checkpoint: checkpoint,
      architecture: try arguments.optionalString("arch").map(CommandModels.architecture),
      layerNormEpsilon: arguments.optionalDouble("layernorm-eps").map(Float.init),
      data: try DataArguments.options(arguments, resolution: resolution),
      pruneFraction: arguments.double("prune-percent"),
      temperature: Float(arguments.double("temperature")),
      crossEntropyWeight: Float(arguments.double("ce-weight")), epochs: arguments.int("epochs"),
      batchSize: arguments.int("batch-size"),
      optimizer: OptimizerSettings(
        learningRate: arguments.double("lr"),
        schedule: OptimizerSettings.Schedule(rawValue: arguments.string("scheduler")) ?? .plateau,
        plateauPatience: 1),
      augment: arguments.flag("augment"), seed: UInt64(arguments.int("seed")), output: out,
      resume: arguments.flag("resume"), force: arguments.flag("force"),
      savePth: arguments.flag("save-pth"), commandLine: CommandLine.arguments,
      version: Version.number)
    Interrupt.allowGracefulStop()
    let printer = EventPrinter()
    let outcome = try CommandModels.interruptible {
      try PruneFinetune(
        options, onEvent: { printer.handle($0) }, shouldStop: { Interrupt.isRequested }
      ).run()
    }
    Console.output(PruneFinetuneSummary.render(outcome.summary))
    Console.output("run folder: \(outcome.directory.path)\n")
  }
}
