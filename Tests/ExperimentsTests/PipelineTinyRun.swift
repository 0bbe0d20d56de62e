import Datasets
import Foundation
import Models
import Tensor
import TestSupport

@testable import Experiments

/// The tiny synthetic dataset and ERM run that the pipeline tests share: 48 training,
/// 12 validation and 12 test images of 32 pixels, `resnet_mini` trained for 2 epochs
/// of batch 16. Built once per test process (the first test to ask pays for it).
enum PipelineTinyRun {
  static let trainSize = 48
  static let valSize = 12
  static let testSize = 12
  static let resolution = 32

  /// The data folder, generated from seed 3.
  static let dataRoot: URL = {
    let root = Fixtures.temporaryDirectory("pipeline-data")
    _ = try! SyntheticDataset.generate(
      .init(
        outputDirectory: root, trainSize: trainSize, valSize: valSize, testSize: testSize,
        resolution: resolution, seed: 3, threads: 2))
    return root
  }()

  static var dataOptions: ExperimentData.Options {
    ExperimentData.Options(kind: .folder, root: dataRoot, resolution: resolution, threads: 2)
  }

  static func pretrainOptions(output: URL, epochs: Int = 2) -> Pretrain.Options {
    Pretrain.Options(
      data: dataOptions,
      recipe: ModelRecipe(architecture: .resnetMini, resolution: resolution),
      initialisation: .scratch, epochs: epochs, batchSize: 16, evaluationBatchSize: 16,
      optimizer: OptimizerSettings(learningRate: 1e-3, plateauPatience: 3), seed: 7,
      output: output)
  }

  /// The ERM run folder (epochs 0 and 1) and its outcome.
  static let run: (directory: URL, outcome: Pretrain.Outcome) = {
    let output = Fixtures.temporaryDirectory("pipeline-erm").appendingPathComponent("run")
    let outcome = try! Pretrain(pretrainOptions(output: output)).run()
    return (output, outcome)
  }()

  /// `epoch_{e}.safetensors` of the shared run.
  static func checkpoint(_ epoch: Int) -> URL {
    run.directory.appendingPathComponent(RunDirectory.checkpointName(epoch: epoch))
  }

  /// Group accuracies of `model` on `split`, through the evaluation loader.
  static func accuracies(
    _ model: any ImageClassifier, split: Split, data: ExperimentData
  ) throws -> [Double] {
    try SplitEvaluator.predict(model, loader: data.evaluationLoader(split, batchSize: 16))
      .metrics(trainingCounts: data.trainingCounts).groupAccuracies
  }

  /// The values of a tensor, for exact comparisons.
  static func values(_ tensor: Tensor) -> [Float] { tensor.toArray() }
}
