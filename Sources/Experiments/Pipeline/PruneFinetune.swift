import Checkpoints
import Datasets
import Foundation
import Models
import Neurons
import Tensor

/// `spurious prune-finetune`: the paper's Part II (REFERENCE.md 4.2). Fine-tunes an ERM
/// model while a magnitude-pruned copy of itself is pulled towards it by NT-Xent on
/// the two-class outputs, plus a weighted cross-entropy of the full model.
public struct PruneFinetune {
  public struct Options: Sendable {
    public var checkpoint: URL
    public var architecture: Architecture?
    public var layerNormEpsilon: Float?
    public var data: ExperimentData.Options
    /// Share of the prunable weights masked each epoch (0.01).
    public var pruneFraction: Double
    public var temperature: Float
    /// Weight of the cross-entropy term (the reference's `mse_lambda`, 0.2).
    public var crossEntropyWeight: Float
    public var epochs: Int
    public var batchSize: Int
    public var evaluationBatchSize: Int
    public var optimizer: OptimizerSettings
    public var augment: Bool
    public var seed: UInt64
    public var output: URL
    public var resume: Bool
    public var force: Bool
    public var savePth: Bool
    public var commandLine: [String]
    public var version: String

    public init(
      checkpoint: URL, architecture: Architecture? = nil, layerNormEpsilon: Float? = nil,
      data: ExperimentData.Options, pruneFraction: Double = 0.01, temperature: Float = 0.5,
      crossEntropyWeight: Float = 0.2, epochs: Int = 21, batchSize: Int = 100,
      evaluationBatchSize: Int = 64,
      optimizer: OptimizerSettings = .init(learningRate: 2e-4, plateauPatience: 1),
      augment: Bool = true, seed: UInt64 = 0, output: URL, resume: Bool = false,
      force: Bool = false, savePth: Bool = false, commandLine: [String] = [],
      version: String = ""
    ) {
      self.checkpoint = checkpoint
      self.architecture = architecture
      self.layerNormEpsilon = layerNormEpsilon
      self.data = data
      self.pruneFraction = pruneFraction
      self.temperature = temperature
      self.crossEntropyWeight = crossEntropyWeight
      self.epochs = epochs
      self.batchSize = batchSize
      self.evaluationBatchSize = evaluationBatchSize
      self.optimizer = optimizer
      self.augment = augment
      self.seed = seed
      self.output = output
      self.resume = resume
      self.force = force
      self.savePth = savePth
      self.commandLine = commandLine
      self.version = version
    }
  }

  /// One row of the final summary.
  public struct SummaryRow: Sendable {
    public var label: String
    /// The state (finished fine-tuning epochs) this row describes.
    public var state: Int
    public var validation: GroupMetrics
    public var test: GroupMetrics
  }

  public struct Outcome: Sendable {
    public var directory: URL
    /// Before (the ERM checkpoint), best validation worst-group epoch, last epoch.
    public var summary: [SummaryRow]
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
    guard options.pruneFraction >= 0 && options.pruneFraction <= 1 else {
      throw ExperimentsError.invalidArgument(
        what: "--prune-percent", expected: "a fraction in [0, 1]",
        found: String(options.pruneFraction))
    }
    let data = try ExperimentData(options.data)
    let (erm, recipe) = try ModelFactory.fromCheckpoint(
      options.checkpoint, architecture: options.architecture,
      layerNormEpsilon: options.layerNormEpsilon, resolution: options.data.resolution)
    let start = try RunStart.open(
      output: options.output, resume: options.resume, force: options.force)
    let model: any ImageClassifier
    if let saved = start.resumed {
      model = try ModelFactory.fromStateDict(
        saved.model, source: start.directory.url.path, architecture: recipe.architecture,
        layerNormEpsilon: recipe.layerNormEpsilon, resolution: recipe.resolution)
      onEvent(.note("resuming \(start.directory.url.path) after epoch \(saved.epoch)"))
    } else {
      model = erm
      try record(recipe: recipe, data: data).write(to: start.directory)
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
      recipe: recipe, evaluationBatchSize: options.evaluationBatchSize,
      referenceTrainEval: false, augment: options.augment, seed: options.seed,
      savePth: options.savePth, onEvent: onEvent, shouldStop: shouldStop)
    let loader = data.trainingLoader(
      batchSize: options.batchSize, augment: options.augment, seed: options.seed)

    if start.firstEpoch == 0 { _ = try books.evaluate(model, state: 0) }
    for epoch in start.firstEpoch..<max(start.firstEpoch, options.epochs) {
      // Masks from the current weights, every epoch (`Mask(model)` + magnitude_pruning).
      let mask = try MagnitudeMask(
        prunable: StudyRunner.prunableWeights(model, architecture: recipe.architecture),
        fraction: options.pruneFraction)
      try writeMask(mask, epoch: epoch, in: start.directory)
      let losses = try trainEpoch(
        model, optimizer: optimizer, loader: loader, epoch: epoch,
        masks: mask.masks)
      optimizer.endEpoch(loss: losses.total)
      try books.logOptimization(
        epoch: epoch,
        losses: ["loss": losses.total, "ntxent": losses.contrastive, "ce": losses.crossEntropy],
        learningRate: optimizer.optimizer.learningRate)
      _ = try books.evaluate(model, state: epoch + 1)
      try books.save(model, optimizer: optimizer, epoch: epoch, loss: losses.total)
      try books.writeEvolution(
        finished: epoch + 1,
        lossFiles: [
          ReferenceJSON.trainingLossFileName: "loss", ReferenceJSON.ntxentLossFileName: "ntxent",
          ReferenceJSON.mseLossFileName: "ce",
        ])
      onEvent(
        .epochFinished(
          epoch: epoch, loss: losses.total, learningRate: optimizer.optimizer.learningRate,
          seconds: losses.seconds))
    }
    let summary = try summarise(books)
    try AtomicFile.write(summaryJSON(summary), to: start.directory.file("result.json"))
    try books.finish()
    return Outcome(directory: start.directory.url, summary: summary)
  }

  struct EpochLosses {
    var total = 0.0
    var contrastive = 0.0
    var crossEntropy = 0.0
    var seconds = 0.0
  }

  /// One epoch of the reference's step: three forward passes in training mode (full
  /// without gradient, pruned, full), NT-Xent both ways plus the weighted cross-entropy
  /// of the full model's output, one backward, one Adam step.
  func trainEpoch(
    _ model: any ImageClassifier, optimizer: TrainingOptimizer, loader: BatchLoader, epoch: Int,
    masks: [NamedParameter]
  ) throws -> EpochLosses {
    let start = Date()
    var losses = EpochLosses()
    model.train()
    defer {
      PruneMasks.clear(model)
      model.eval()
    }
    let iterator = try loader.epoch(epoch)
    var index = 0
    var images = 0
    while let batch = try iterator.next() {
      if shouldStop() { throw ExperimentsError.interrupted }
      let x = batch.imageTensor(0..<batch.count)
      optimizer.optimizer.zeroGrad()
      PruneMasks.clear(model)
      let fullFixed = Tensor.withoutGradient { model(x) }
      PruneMasks.apply(masks, to: model)
      let pruned = model(x)
      var contrastive = ntXentLoss(fullFixed, pruned, temperature: options.temperature)
      PruneMasks.clear(model)
      let full = model(x)
      contrastive =
        contrastive
        + ntXentLoss(full, pruned.detached(), temperature: options.temperature)
      let crossEntropy = Tensor.crossEntropy(full, targets: batch.targetTensor(0..<batch.count))
      let loss = contrastive + crossEntropy * options.crossEntropyWeight
      loss.backward()
      optimizer.optimizer.step()
      losses.total += Double(loss.item)
      losses.contrastive += Double(contrastive.item)
      losses.crossEntropy += Double(crossEntropy.item)
      index += 1
      images += batch.count
      onEvent(
        .batch(
          BatchProgress(
            epoch: epoch, batch: index, batches: loader.batchCount, loss: Double(loss.item),
            images: images, seconds: Date().timeIntervalSince(start))))
    }
    losses.seconds = Date().timeIntervalSince(start)
    return losses
  }

  /// `pruned_neuron_module_dict_epoch{e}.json` as the reference, and the masks
  /// themselves as `mask_epoch{e}.safetensors` (uint8, 1 = kept).
  func writeMask(_ mask: MagnitudeMask, epoch: Int, in directory: RunDirectory) throws {
    try AtomicFile.write(
      ReferenceJSON.prunedModuleDictionary(mask.prunedFractions),
      to: directory.file(ReferenceJSON.prunedModuleFileName(epoch: epoch)))
    let tensors = mask.masks.map { name, tensor in
      NamedTensor(
        name,
        StoredTensor(
          shape: tensor.shape, integers: tensor.toArray().map { Int64($0) }, dtype: .uint8))
    }
    try SafetensorsWriter.write(
      Checkpoint(
        tensors: tensors, epoch: epoch,
        metadata: ["threshold": String(mask.threshold), "fraction": String(options.pruneFraction)]),
      to: directory.file("mask_epoch\(epoch).safetensors"))
  }

  /// Before, best validation worst-group, and last, from `metrics.jsonl`.
  func summarise(_ books: RunBookkeeping) throws -> [SummaryRow] {
    let records = try books.log.read()
    let states = Set(records.map(\.epoch)).sorted()
    func metrics(_ state: Int, _ split: Split) -> GroupMetrics? {
      GroupMetrics(
        records: records, state: state, split: split.description,
        trainingCounts: books.data.trainingCounts)
    }
    func row(_ label: String, _ state: Int) -> SummaryRow? {
      guard let val = metrics(state, .val), let test = metrics(state, .test) else { return nil }
      return SummaryRow(label: label, state: state, validation: val, test: test)
    }
    guard let first = states.first, let last = states.last else { return [] }
    // The best fine-tuned state by validation worst-group accuracy; the first wins ties.
    let tuned = states.filter { $0 > 0 }
    let best = tuned.max { a, b in
      let wa = metrics(a, .val)?.worstGroupAccuracy ?? -1
      let wb = metrics(b, .val)?.worstGroupAccuracy ?? -1
      return wa < wb || (wa == wb && a > b)
    }
    return [
      row("before (ERM checkpoint)", first),
      best.flatMap { row("best validation worst-group (epoch \($0))", $0) },
      row("last (epoch \(last))", last),
    ].compactMap { $0 }
  }

  func summaryJSON(_ rows: [SummaryRow]) -> String {
    func accuracies(_ m: GroupMetrics) -> String {
      m.groupAccuracies.map(PythonFloat.repr).joined(separator: ", ")
    }
    let entries = rows.map { row -> String in
      func split(_ m: GroupMetrics) -> String {
        "{\"worst_group_accuracy\": \(m.worstGroupAccuracy.map(PythonFloat.repr) ?? "null"), "
          + "\"accuracy\": \(PythonFloat.repr(m.accuracy)), "
          + "\"train_weighted_accuracy\": \(PythonFloat.repr(m.trainingWeightedAccuracy)), "
          + "\"group_accuracies\": [\(accuracies(m))]}"
      }
      return "{\"label\": \(JSONValue.quoted(row.label)), \"state\": \(row.state), "
        + "\"val\": \(split(row.validation)), \"test\": \(split(row.test))}"
    }
    return "[\n  " + entries.joined(separator: ",\n  ") + "\n]\n"
  }

  func record(recipe: ModelRecipe, data: ExperimentData) -> RunRecord {
    var settings: [String: JSONValue] = [:]
    for (key, value) in recipe.settings.merging(
      options.optimizer.record, uniquingKeysWith: { a, _ in a })
    {
      settings[key] = .string(value)
    }
    settings["checkpoint"] = .string(options.checkpoint.path)
    settings["prune_fraction"] = .double(options.pruneFraction)
    settings["temperature"] = .double(Double(options.temperature))
    settings["ce_weight"] = .double(Double(options.crossEntropyWeight))
    settings["epochs"] = .int(options.epochs)
    settings["batch_size"] = .int(options.batchSize)
    settings["augment"] = .bool(options.augment)
    settings["dataset"] = .string(options.data.kind.rawValue)
    settings["data"] = .string(options.data.root.path)
    return RunRecord(
      commandLine: options.commandLine, command: "prune-finetune", settings: settings,
      version: options.version, seed: options.seed, datasetCounts: data.groupCounts)
  }
}
