import Datasets
import Foundation
import Models
import Tensor

/// `spurious pretrain`: ERM training with per-group evaluation every epoch
/// (REFERENCE.md 4.1), resumable, in a run folder.
public struct Pretrain {
  /// Where the starting weights come from.
  public enum Initialisation: Sendable, Equatable {
    /// PyTorch-default initialisation from the seed (the reference's ResNet50).
    case scratch
    /// An ImageNet checkpoint as published; its head is replaced.
    case imageNet(URL)
  }

  public struct Options: Sendable {
    public var data: ExperimentData.Options
    public var recipe: ModelRecipe
    public var initialisation: Initialisation
    public var epochs: Int
    public var batchSize: Int
    public var microBatch: Int?
    public var evaluationBatchSize: Int
    public var optimizer: OptimizerSettings
    public var augment: Bool
    public var seed: UInt64
    public var output: URL
    public var resume: Bool
    public var force: Bool
    /// Also write the reference's `epoch_{e}_checkpoints.pth.tar` every epoch.
    public var savePth: Bool
    /// Evaluate the training split through the augmented, shuffled training loader, as
    /// the reference does, instead of the evaluation transform.
    public var referenceTrainEval: Bool
    /// The command line, for run.json.
    public var commandLine: [String]
    public var version: String

    public init(
      data: ExperimentData.Options, recipe: ModelRecipe, initialisation: Initialisation,
      epochs: Int, batchSize: Int = 256, microBatch: Int? = nil, evaluationBatchSize: Int = 64,
      optimizer: OptimizerSettings = .init(learningRate: 5e-6, plateauPatience: 3),
      augment: Bool = true, seed: UInt64 = 0, output: URL, resume: Bool = false,
      force: Bool = false, savePth: Bool = false, referenceTrainEval: Bool = false,
      commandLine: [String] = [], version: String = ""
    ) {
      self.data = data
      self.recipe = recipe
      self.initialisation = initialisation
      self.epochs = epochs
      self.batchSize = batchSize
      self.microBatch = microBatch
      self.evaluationBatchSize = evaluationBatchSize
      self.optimizer = optimizer
      self.augment = augment
      self.seed = seed
      self.output = output
      self.resume = resume
      self.force = force
      self.savePth = savePth
      self.referenceTrainEval = referenceTrainEval
      self.commandLine = commandLine
      self.version = version
    }
  }

  /// The outcome: the run folder and the last state's metrics per split.
  public struct Outcome: Sendable {
    public var directory: URL
    public var finalMetrics: [Split: GroupMetrics]
    public var epochsRun: Int
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

  /// Runs (or resumes) the whole training.
  public func run() throws -> Outcome {
    try validate()
    let data = try ExperimentData(options.data)
    for split in Split.allCases {
      onEvent(.note(data.split(split).summaryLines.joined(separator: "\n")))
    }

    let start = try RunStart.open(
      output: options.output, resume: options.resume, force: options.force)
    let model: any ImageClassifier
    if let saved = start.resumed {
      model = try ModelFactory.fromStateDict(
        saved.model, source: start.directory.url.path, architecture: options.recipe.architecture,
        layerNormEpsilon: options.recipe.layerNormEpsilon, resolution: options.recipe.resolution)
      onEvent(.note("resuming \(start.directory.url.path) after epoch \(saved.epoch)"))
    } else {
      model = try startingModel()
      try record(data: data).write(to: start.directory)
    }
    let optimizer = TrainingOptimizer(
      settings: options.optimizer, parameters: model.parameters(), epochs: options.epochs)
    if let saved = start.resumed {
      try optimizer.restore(
        tensors: saved.optimizer, schedule: saved.scheduler, learningRate: saved.learningRate,
        source: RunDirectory.checkpointName(epoch: saved.epoch))
    }
    model.eval()
    let books = RunBookkeeping(
      data: data, directory: start.directory, log: MetricsLog(directory: start.directory),
      recipe: options.recipe, evaluationBatchSize: options.evaluationBatchSize,
      referenceTrainEval: options.referenceTrainEval, augment: options.augment,
      seed: options.seed, savePth: options.savePth, onEvent: onEvent, shouldStop: shouldStop)

    let trainLoader = data.trainingLoader(
      batchSize: options.batchSize, augment: options.augment, seed: options.seed)
    var finalMetrics: [Split: GroupMetrics] = [:]
    if start.firstEpoch == 0 { finalMetrics = try books.evaluate(model, state: 0) }
    for epoch in start.firstEpoch..<max(start.firstEpoch, options.epochs) {
      let result = try ERMTraining.epoch(
        model, optimizer: optimizer, loader: trainLoader, epoch: epoch,
        microBatch: options.microBatch, onBatch: { onEvent(.batch($0)) },
        shouldStop: shouldStop)
      optimizer.endEpoch(loss: result.loss)
      try books.logOptimization(
        epoch: epoch, losses: ["loss": result.loss],
        learningRate: optimizer.optimizer.learningRate)
      finalMetrics = try books.evaluate(model, state: epoch + 1)
      try books.save(model, optimizer: optimizer, epoch: epoch, loss: result.loss)
      try books.writeEvolution(
        finished: epoch + 1, lossFiles: [ReferenceJSON.trainingLossFileName: "loss"])
      onEvent(
        .epochFinished(
          epoch: epoch, loss: result.loss, learningRate: optimizer.optimizer.learningRate,
          seconds: result.seconds))
    }
    if finalMetrics.isEmpty {
      // Resumed after the last epoch: report the saved final state without logging it.
      finalMetrics = try lastLoggedMetrics(books)
    }
    try writeResult(finalMetrics, in: start.directory)
    try books.finish()
    return Outcome(
      directory: start.directory.url, finalMetrics: finalMetrics,
      epochsRun: max(0, options.epochs - start.firstEpoch))
  }

  /// The last state's metrics as `metrics.jsonl` holds them.
  func lastLoggedMetrics(_ books: RunBookkeeping) throws -> [Split: GroupMetrics] {
    let records = try books.log.read()
    guard let last = records.map(\.epoch).max() else { return [:] }
    var result: [Split: GroupMetrics] = [:]
    for split in [Split.train, .val, .test] {
      result[split] = GroupMetrics(
        records: records, state: last, split: split.description,
        trainingCounts: books.data.trainingCounts)
    }
    return result
  }

  func validate() throws {
    guard options.epochs >= 0 else {
      throw ExperimentsError.invalidArgument(
        what: "--epochs", expected: "a non-negative number", found: String(options.epochs))
    }
    guard options.batchSize > 0, options.evaluationBatchSize > 0 else {
      throw ExperimentsError.invalidArgument(
        what: "--batch-size", expected: "a positive number", found: String(options.batchSize))
    }
  }

  func startingModel() throws -> any ImageClassifier {
    switch options.initialisation {
    case .scratch:
      return ModelFactory.fresh(options.recipe, seed: options.seed)
    case .imageNet(let url):
      let (model, report) = try ModelFactory.fromImageNet(
        url, recipe: options.recipe, seed: options.seed)
      onEvent(
        .note(
          "loaded \(report.load.loaded.count) tensors from \(url.lastPathComponent); replaced"
            + " its head (\(report.droppedHead.joined(separator: ", "))) by a new"
            + " \(options.recipe.head.rawValue) head"))
      if !report.load.missing.isEmpty {
        onEvent(.warning("keys missing from the checkpoint: \(report.load.missing)"))
      }
      if !report.load.unexpected.isEmpty {
        onEvent(.warning("checkpoint keys the model does not use: \(report.load.unexpected)"))
      }
      return model
    }
  }

  func record(data: ExperimentData) -> RunRecord {
    var settings: [String: JSONValue] = [:]
    for (key, value) in options.recipe.settings.merging(
      options.optimizer.record, uniquingKeysWith: { a, _ in a })
    {
      settings[key] = .string(value)
    }
    settings["dataset"] = .string(options.data.kind.rawValue)
    settings["data"] = .string(options.data.root.path)
    settings["epochs"] = .int(options.epochs)
    settings["batch_size"] = .int(options.batchSize)
    settings["micro_batch"] = options.microBatch.map { .int($0) } ?? .null
    settings["augment"] = .bool(options.augment)
    settings["reference_train_eval"] = .bool(options.referenceTrainEval)
    switch options.initialisation {
    case .scratch: settings["init"] = .string("scratch")
    case .imageNet(let url): settings["init"] = .string(url.path)
    }
    return RunRecord(
      commandLine: options.commandLine, command: "pretrain", settings: settings,
      version: options.version, seed: options.seed, datasetCounts: data.groupCounts)
  }

  /// `result.json`: the final state's metrics per split, written last, so that its
  /// presence marks the run complete (sweeps skip complete runs).
  func writeResult(_ metrics: [Split: GroupMetrics], in directory: RunDirectory) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let bySplit = Dictionary(uniqueKeysWithValues: metrics.map { ($0.key.description, $0.value) })
    try AtomicFile.write(try encoder.encode(bySplit), to: directory.file("result.json"))
  }
}
