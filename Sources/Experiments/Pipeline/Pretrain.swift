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

    let directory: RunDirectory
    let model: any ImageClassifier
    var optimizer: TrainingOptimizer
    var firstEpoch = 0
    let log: MetricsLog
    if options.resume, let last = try? RunDirectory.resume(at: options.output),
      let finished = last.lastCompleteEpoch()
    {
      directory = last
      let saved = try TrainingCheckpoint.read(
        from: directory.file(RunDirectory.checkpointName(epoch: finished)))
      model = try ModelFactory.fromStateDict(
        saved.model, source: directory.file(RunDirectory.checkpointName(epoch: finished)).path,
        architecture: options.recipe.architecture,
        layerNormEpsilon: options.recipe.layerNormEpsilon, resolution: options.recipe.resolution)
      optimizer = TrainingOptimizer(
        settings: options.optimizer, parameters: model.parameters(), epochs: options.epochs)
      try optimizer.restore(
        tensors: saved.optimizer, schedule: saved.scheduler, learningRate: saved.learningRate,
        source: RunDirectory.checkpointName(epoch: finished))
      firstEpoch = finished + 1
      log = MetricsLog(directory: directory)
      // Keep states 0...firstEpoch (after `finished` epochs plus the start).
      try log.truncate(toEpochsBefore: firstEpoch + 1)
      onEvent(.note("resuming \(directory.url.path) after epoch \(finished)"))
    } else {
      // A resumed run with no finished epoch starts again in the same folder.
      directory = try RunDirectory.create(
        at: options.output, force: options.force || options.resume)
      model = try startingModel()
      optimizer = TrainingOptimizer(
        settings: options.optimizer, parameters: model.parameters(), epochs: options.epochs)
      log = MetricsLog(directory: directory)
      try record(data: data).write(to: directory)
    }
    model.eval()

    let trainLoader = data.trainingLoader(
      batchSize: options.batchSize, augment: options.augment, seed: options.seed)
    var finalMetrics: [Split: GroupMetrics] = [:]
    if firstEpoch == 0 {
      finalMetrics = try evaluate(model, state: 0, data: data, log: log)
    }
    for epoch in firstEpoch..<options.epochs {
      let result = try ERMTraining.epoch(
        model, optimizer: optimizer, loader: trainLoader, epoch: epoch,
        microBatch: options.microBatch, onBatch: { onEvent(.batch($0)) },
        shouldStop: shouldStop)
      optimizer.endEpoch(loss: result.loss)
      try log.append([
        MetricsRecord(
          epoch: epoch + 1, split: "optimization", loss: result.loss,
          extra: ["learning_rate": optimizer.optimizer.learningRate])
      ])
      finalMetrics = try evaluate(model, state: epoch + 1, data: data, log: log)
      try save(model, optimizer: optimizer, epoch: epoch, loss: result.loss, in: directory)
      try writeEvolution(log: log, finished: epoch + 1, data: data, directory: directory)
      onEvent(
        .epochFinished(
          epoch: epoch, loss: result.loss, learningRate: optimizer.optimizer.learningRate,
          seconds: result.seconds))
    }
    if firstEpoch >= options.epochs && finalMetrics.isEmpty {
      finalMetrics = try evaluate(model, state: options.epochs, data: data, log: nil)
    }
    var record = try RunRecord.read(from: directory)
    record.finished = RunRecord.timestamp(Date())
    try record.write(to: directory)
    return Outcome(
      directory: directory.url, finalMetrics: finalMetrics, epochsRun: options.epochs - firstEpoch)
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
    for (key, value) in options.recipe.settings.merging(options.optimizer.record, uniquingKeysWith: { a, _ in a }) {
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

  /// Evaluates every split and appends the records of state `state` to the log.
  func evaluate(
    _ model: any ImageClassifier, state: Int, data: ExperimentData, log: MetricsLog?
  ) throws -> [Split: GroupMetrics] {
    var results: [Split: GroupMetrics] = [:]
    for split in [Split.train, .val, .test] {
      let predictions: SplitPredictions
      if split == .train && options.referenceTrainEval {
        // The reference's inference pass over the augmented, shuffled train loader.
        let loader = data.trainingLoader(
          batchSize: options.evaluationBatchSize, augment: options.augment,
          seed: options.seed ^ 0x4556_414C)  // "EVAL": a stream apart from training's
        predictions = try SplitEvaluator.predict(
          model, loader: loader, epoch: state, shouldStop: shouldStop)
      } else {
        predictions = try SplitEvaluator.predict(
          model, loader: data.evaluationLoader(split, batchSize: options.evaluationBatchSize),
          shouldStop: shouldStop)
      }
      let metrics = predictions.metrics(trainingCounts: data.trainingCounts)
      try log?.append(
        MetricsRecord.records(
          epoch: state, split: split.description, metrics: metrics,
          groupLosses: predictions.groupLosses))
      results[split] = metrics
      onEvent(.evaluated(state: state, split: split, metrics: metrics))
    }
    return results
  }

  func save(
    _ model: any ImageClassifier, optimizer: TrainingOptimizer, epoch: Int, loss: Double,
    in directory: RunDirectory
  ) throws {
    var settings = options.recipe.settings
    settings["dataset"] = options.data.kind.rawValue
    let checkpoint = TrainingCheckpoint(
      epoch: epoch, loss: loss, model: model.stateDict(), optimizer: optimizer.stateTensors,
      learningRate: optimizer.optimizer.learningRate, scheduler: optimizer.scheduleState,
      settings: settings, parameterCount: model.namedParameters().count)
    if options.savePth {
      try checkpoint.writeReference(
        to: directory.file("epoch_\(epoch)_checkpoints.pth.tar"))
    }
    // The safetensors file marks the epoch complete, so it is written last.
    try checkpoint.write(to: directory.file(RunDirectory.checkpointName(epoch: epoch)))
  }

  func writeEvolution(
    log: MetricsLog, finished: Int, data: ExperimentData, directory: RunDirectory
  ) throws {
    let records = try log.read()
    let losses = records.filter { $0.split == "optimization" }.sorted { $0.epoch < $1.epoch }
      .compactMap(\.loss)
    try EvolutionFiles.write(
      records: records, finished: finished, data: data,
      lossLists: [ReferenceJSON.trainingLossFileName: losses], directory: directory)
  }
}
