import Datasets
import Foundation
import Models
import Neurons

/// `spurious demo`: the paper's story end to end on the built-in synthetic dataset, no
/// download needed: ERM training, the largest-neuron study, prune-finetune.
///
/// The settings are the demo's own, not the paper's: a narrow ResNet (`resnet_mini`)
/// at 64 pixels with a plain linear head, trained from scratch with Adam at 1e-3
/// (halved on plateaus) without augmentation, so that in minutes on two cores ERM fits
/// the training groups, minority groups included, while the background shortcut costs
/// the minority groups at test time. With the reference's softmax head (cross-entropy
/// on probabilities) the same model learned only the background within this budget
/// (measured: 10 epochs, minority training accuracy 0.02 and 0.00), so the demo uses
/// the linear head.
public struct Demo {
  public struct Options: Sendable {
    public var root: URL
    public var seed: UInt64
    /// Smaller data and fewer epochs: a smoke test.
    public var quick: Bool
    public var threads: Int
    public var commandLine: [String]
    public var version: String

    public init(
      root: URL, seed: UInt64 = 0, quick: Bool = false, threads: Int,
      commandLine: [String] = [], version: String = ""
    ) {
      self.root = root
      self.seed = seed
      self.quick = quick
      self.threads = threads
      self.commandLine = commandLine
      self.version = version
    }

    var ermEpochs: Int { quick ? 4 : 25 }
    var finetuneEpochs: Int { quick ? 2 : 6 }
    var topKs: [Int] { quick ? [1, 2] : [1, 2, 3, 5] }
  }

  public struct Outcome: Sendable {
    public var dataset: URL
    public var erm: Pretrain.Outcome
    public var studies: [StudyResult]
    public var finetune: PruneFinetune.Outcome
    public var groupNames: [String]
  }

  public let options: Options
  public let onEvent: RunEventHandler
  public let shouldStop: @Sendable () -> Bool

  public init(
    _ options: Options, onEvent: @escaping RunEventHandler = { _ in },
    shouldStop: @escaping @Sendable () -> Bool = { false }
  ) {
    self.options = options
    self.onEvent = onEvent
    self.shouldStop = shouldStop
  }

  public func run() throws -> Outcome {
    let dataRoot = options.root.appendingPathComponent(options.quick ? "data-quick" : "data")
    if !FileManager.default.fileExists(atPath: dataRoot.appendingPathComponent("metadata.csv").path)
    {
      onEvent(.note("generating the synthetic dataset in \(dataRoot.path)"))
      let sizes = options.quick ? (400, 100, 200) : (1200, 300, 800)
      _ = try SyntheticDataset.generate(
        SyntheticDataset.Options(
          outputDirectory: dataRoot, trainSize: sizes.0, valSize: sizes.1, testSize: sizes.2,
          seed: options.seed, threads: options.threads))
    }
    let data = ExperimentData.Options(
      kind: .folder, root: dataRoot, resolution: 64, threads: options.threads,
      cacheDirectory: options.root.appendingPathComponent(".eval-cache"))
    let recipe = ModelRecipe(architecture: .resnetMini, head: .linear, resolution: 64)

    onEvent(.note("step 1/3: ERM training (\(options.ermEpochs) epochs)"))
    let ermDirectory = options.root.appendingPathComponent("erm")
    let erm = try Pretrain(
      Pretrain.Options(
        data: data, recipe: recipe, initialisation: .scratch, epochs: options.ermEpochs,
        batchSize: 64, optimizer: OptimizerSettings(learningRate: 1e-3, plateauPatience: 3),
        augment: false, seed: options.seed, output: ermDirectory, force: true,
        commandLine: options.commandLine, version: options.version),
      onEvent: onEvent, shouldStop: shouldStop
    ).run()
    let checkpoint = ermDirectory.appendingPathComponent(
      RunDirectory.checkpointName(epoch: options.ermEpochs - 1))

    onEvent(.note("step 2/3: zeroing the top-k largest neurons (k = \(options.topKs))"))
    var studies: [StudyResult] = []
    for k in options.topKs {
      let configuration = StudyConfiguration(
        kind: .largest, mode: .zero, topK: k, dataset: "synthetic", split: "train",
        baselineSplit: "train")
      studies.append(
        try StudyRunner(
          StudyRunner.Options(
            checkpoint: checkpoint, data: data, configuration: configuration, runs: 1,
            seed: options.seed,
            output: options.root.appendingPathComponent("study_train_top\(k)"), force: true,
            commandLine: options.commandLine, version: options.version),
          onEvent: onEvent, shouldStop: shouldStop
        ).run())
    }

    onEvent(.note("step 3/3: prune-finetune (\(options.finetuneEpochs) epochs)"))
    let finetune = try PruneFinetune(
      PruneFinetune.Options(
        checkpoint: checkpoint, data: data, epochs: options.finetuneEpochs, batchSize: 100,
        augment: false, seed: options.seed,
        output: options.root.appendingPathComponent("prune_finetune"), force: true,
        commandLine: options.commandLine, version: options.version),
      onEvent: onEvent, shouldStop: shouldStop
    ).run()
    return Outcome(
      dataset: dataRoot, erm: erm, studies: studies, finetune: finetune,
      groupNames: DatasetGroups.waterbirds.names)
  }
}
