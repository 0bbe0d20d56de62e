import Arguments
import Datasets
import Experiments
import Foundation

/// `spurious evaluate`: accuracy of one checkpoint, per group.
enum EvaluateCommand: Command {
  static let name = "evaluate"
  static let summary = "Measure the per-group and worst-group accuracy of a checkpoint."
  static let arguments: [ArgumentSpec] = [
    SharedOptions.checkpoint,
    SharedOptions.dataset(),
    SharedOptions.data,
    SharedOptions.split(default: "test"),
    CommandModels.architectureFromCheckpoint,
    .option(
      "resolution", .positiveInteger, defaultDescription: "the checkpoint's, else 224",
      help: "Input image side, in pixels."),
    CommandModels.layerNormEpsilonFromCheckpoint,
    SharedOptions.json,
    SharedOptions.threads,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    let url = URL(fileURLWithPath: arguments.string("checkpoint"))
    let (model, recipe) = try CommandModels.trainedModel(arguments, checkpoint: url)
    let data = try ExperimentData(
      DataArguments.options(arguments, resolution: recipe.resolution))
    guard let split = Split(name: arguments.string("split")) else {
      throw UsageError("'\(arguments.string("split"))' is not a split")
    }
    let predictions = try SplitEvaluator.predict(
      model, loader: data.evaluationLoader(split, batchSize: 64))
    let metrics = predictions.metrics(trainingCounts: data.trainingCounts)
    if arguments.flag("json") {
      Console.output(try CommandModels.json(metrics) + "\n")
    } else {
      Console.output(
        MetricsTable.render(
          metrics, names: data.groups.names,
          title: "\(url.lastPathComponent) on the \(split) split of \(data.groups.dataset):"))
    }
  }
}
