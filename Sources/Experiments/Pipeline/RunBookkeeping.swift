import Datasets
import Foundation
import Models
import Tensor

/// The per-epoch bookkeeping that `pretrain` and `prune-finetune` share: evaluating a
/// state on every split into `metrics.jsonl`, saving the epoch's checkpoint, and
/// rewriting the evolution files and plots.
struct RunBookkeeping {
  let data: ExperimentData
  let directory: RunDirectory
  let log: MetricsLog
  let recipe: ModelRecipe
  let evaluationBatchSize: Int
  /// Evaluate the training split through the augmented training loader (the reference).
  let referenceTrainEval: Bool
  let augment: Bool
  let seed: UInt64
  let savePth: Bool
  let onEvent: RunEventHandler
  let shouldStop: @Sendable () -> Bool

  /// Evaluates every split and appends the records of state `state` (finished epochs)
  /// to the log. The model is evaluated as is (no pruning mask).
  func evaluate(_ model: any ImageClassifier, state: Int) throws -> [Split: GroupMetrics] {
    var results: [Split: GroupMetrics] = [:]
    for split in [Split.train, .val, .test] {
      let predictions: SplitPredictions
      if split == .train && referenceTrainEval {
        // The reference's inference pass over the augmented, shuffled train loader.
        let loader = data.trainingLoader(
          batchSize: evaluationBatchSize, augment: augment,
          seed: seed ^ 0x4556_414C)  // "EVAL": a stream apart from training's
        predictions = try SplitEvaluator.predict(
          model, loader: loader, epoch: state, shouldStop: shouldStop)
      } else {
        predictions = try SplitEvaluator.predict(
          model, loader: data.evaluationLoader(split, batchSize: evaluationBatchSize),
          shouldStop: shouldStop)
      }
      let metrics = predictions.metrics(trainingCounts: data.trainingCounts)
      try log.append(
        MetricsRecord.records(
          epoch: state, split: split.description, metrics: metrics,
          groupLosses: predictions.groupLosses))
      results[split] = metrics
      onEvent(.evaluated(state: state, split: split, metrics: metrics))
    }
    return results
  }

  /// Appends the epoch's optimisation record (losses and learning rate) as state
  /// `epoch + 1`, the state the epoch produced.
  func logOptimization(epoch: Int, losses: [String: Double], learningRate: Double) throws {
    var extra = losses
    extra["learning_rate"] = learningRate
    try log.append([
      MetricsRecord(
        epoch: epoch + 1, split: "optimization", loss: losses["loss"], extra: extra)
    ])
  }

  /// Saves epoch `epoch`'s checkpoint; the safetensors file, written last, marks the
  /// epoch complete for `--resume`.
  func save(
    _ model: any ImageClassifier, optimizer: TrainingOptimizer, epoch: Int, loss: Double,
    settings extra: [String: String] = [:]
  ) throws {
    var settings = recipe.settings.merging(extra, uniquingKeysWith: { _, b in b })
    settings["dataset"] = data.options.kind.rawValue
    let checkpoint = TrainingCheckpoint(
      epoch: epoch, loss: loss, model: model.stateDict(), optimizer: optimizer.stateTensors,
      learningRate: optimizer.optimizer.learningRate, scheduler: optimizer.scheduleState,
      settings: settings, parameterCount: model.namedParameters().count)
    if savePth {
      try checkpoint.writeReference(to: directory.file("epoch_\(epoch)_checkpoints.pth.tar"))
    }
    try checkpoint.write(to: directory.file(RunDirectory.checkpointName(epoch: epoch)))
  }

  /// Rewrites the evolution files after `finished` epochs; `lossFiles` maps a
  /// reference loss-list file name to the optimisation-record field it lists.
  func writeEvolution(finished: Int, lossFiles: [String: String]) throws {
    let records = try log.read()
    let optimization = records.filter { $0.split == "optimization" }.sorted {
      $0.epoch < $1.epoch
    }
    var lists: [String: [Double]] = [:]
    for (file, field) in lossFiles {
      lists[file] = optimization.compactMap { $0.extra?[field] }
    }
    try EvolutionFiles.write(
      records: records, finished: finished, data: data, lossLists: lists, directory: directory)
  }

  /// Marks run.json finished.
  func finish() throws {
    var record = try RunRecord.read(from: directory)
    record.finished = RunRecord.timestamp(Date())
    try record.write(to: directory)
  }
}

/// How a training command finds its starting point: a fresh run folder, or the last
/// complete epoch of an interrupted one.
struct RunStart {
  let directory: RunDirectory
  /// The checkpoint to continue from, nil for a fresh run.
  let resumed: TrainingCheckpoint?
  /// The first epoch still to train.
  let firstEpoch: Int

  /// With `resume`, continues `output` after its last complete epoch (a folder without
  /// one starts over); otherwise creates it, refusing an existing run unless `force`.
  static func open(output: URL, resume: Bool, force: Bool) throws -> RunStart {
    if resume, let directory = try? RunDirectory.resume(at: output),
      let finished = directory.lastCompleteEpoch()
    {
      let saved = try TrainingCheckpoint.read(
        from: directory.file(RunDirectory.checkpointName(epoch: finished)))
      // Keep states 0...finished + 1; later ones belong to the unfinished epoch.
      try MetricsLog(directory: directory).truncate(toEpochsBefore: finished + 2)
      return RunStart(directory: directory, resumed: saved, firstEpoch: finished + 1)
    }
    let directory = try RunDirectory.create(at: output, force: force || resume)
    return RunStart(directory: directory, resumed: nil, firstEpoch: 0)
  }
}
