import Checkpoints
import Datasets
import Foundation
import Models
import Neurons
import Tensor

/// `spurious study largest|activated|threshold`: the paper's Part I (REFERENCE.md
/// 4.3-4.5). Finds critical neurons of a trained model, modifies them and measures each
/// group's accuracy against the unmodified model, repeating random modifications.
public struct StudyRunner {
  public struct Options: Sendable {
    public var checkpoint: URL
    public var architecture: Architecture?
    public var layerNormEpsilon: Float?
    public var data: ExperimentData.Options
    public var configuration: StudyConfiguration
    /// `--scope` of the threshold study.
    public var scope: ThresholdScope
    /// `--rewind-from`: the earlier weights, instead of `rewindEpochs` back in the run.
    public var rewindFrom: URL?
    /// Modified runs; nil means the reference's count (10, or 3 for activated, 1 when
    /// the mode is not random).
    public var runs: Int?
    public var seed: UInt64
    public var evaluationBatchSize: Int
    public var output: URL
    public var force: Bool
    public var commandLine: [String]
    public var version: String

    public init(
      checkpoint: URL, architecture: Architecture? = nil, layerNormEpsilon: Float? = nil,
      data: ExperimentData.Options, configuration: StudyConfiguration,
      scope: ThresholdScope = .reference, rewindFrom: URL? = nil, runs: Int? = nil,
      seed: UInt64 = 0, evaluationBatchSize: Int = 64, output: URL, force: Bool = false,
      commandLine: [String] = [], version: String = ""
    ) {
      self.checkpoint = checkpoint
      self.architecture = architecture
      self.layerNormEpsilon = layerNormEpsilon
      self.data = data
      self.configuration = configuration
      self.scope = scope
      self.rewindFrom = rewindFrom
      self.runs = runs
      self.seed = seed
      self.evaluationBatchSize = evaluationBatchSize
      self.output = output
      self.force = force
      self.commandLine = commandLine
      self.version = version
    }
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

  /// Runs the study and returns what it recorded (also in `study.json` and the
  /// reference's text file in the run folder).
  public func run() throws -> StudyResult {
    let configuration = options.configuration
    let (model, recipe) = try ModelFactory.fromCheckpoint(
      options.checkpoint, architecture: options.architecture,
      layerNormEpsilon: options.layerNormEpsilon, resolution: options.data.resolution)
    model.eval()
    let data = try ExperimentData(options.data)
    let split = try splitNamed(configuration.split ?? "train")
    let baselineSplit = try splitNamed(configuration.baselineSplit ?? split.description)
    let directory = try RunDirectory.create(at: options.output, force: options.force)
    try record(recipe: recipe, data: data).write(to: directory)

    // The baseline once per study; every run starts from a copy of these weights.
    let original = model.stateDict().map { ($0.name, $0.tensor.copy()) }
    let splitPredictions = try predict(model, data: data, split: split)
    let baselinePredictions =
      baselineSplit == split
      ? splitPredictions : try predict(model, data: data, split: baselineSplit)
    let baseline = baselinePredictions.metrics(trainingCounts: data.trainingCounts)
    onEvent(.evaluated(state: 0, split: baselineSplit, metrics: baseline))
    var recorder = try StudyRecorder(
      directory: directory, configuration: configuration, groups: data.groups,
      baseline: baseline.groupAccuracies)

    let rewindState = try rewindWeights(for: configuration)
    let runs = options.runs ?? configuration.referenceRuns
    switch configuration.kind {
    case .largest:
      let neurons = try GreedySelection.topChannels(
        of: model.namedParameters(), k: configuration.topK ?? 1,
        rule: recipe.architecture.isTransformer ? .transformerLinears : .largestConvolutions)
      try recorder.beginSection(neurons: neurons.map(chosen))
      for run in 0..<runs {
        try restore(model, from: original)
        var generator = RandomGenerator.derived(seed: options.seed, stream: 1000 + UInt64(run))
        try modify(model, neurons: neurons, rewind: rewindState, generator: &generator)
        try recorder.addRun(try accuracies(model, data: data, split: split))
      }
    case .activated:
      let ordered = splitPredictions.inSplitOrder()
      for group in 0..<4 {
        try restore(model, from: original)
        let positions = PoorestSamples.positions(
          probabilities: ordered.probabilities, groups: ordered.groups, group: group,
          count: configuration.batchSize ?? PoorestSamples.defaultCount)
        guard !positions.isEmpty else {
          onEvent(.warning("group \(group) has no samples in the \(split) split; skipped"))
          continue
        }
        let gradients = try gradientsOfLoss(model, data: data, split: split, positions: positions)
        let neurons = try GreedySelection.topChannels(
          of: gradients, k: configuration.topK ?? 1,
          rule: recipe.architecture.isTransformer ? .transformerLinears : .allConvolutions)
        try recorder.beginSection(targetGroup: group, neurons: neurons.map(chosen))
        for run in 0..<runs {
          try restore(model, from: original)
          var generator = RandomGenerator.derived(
            seed: options.seed, stream: 1000 + UInt64(100 * group + run))
          try modify(model, neurons: neurons, rewind: rewindState, generator: &generator)
          try recorder.addRun(try accuracies(model, data: data, split: split))
        }
      }
    case .threshold:
      let prunable = Self.prunableWeights(model, architecture: recipe.architecture)
      let threshold = try MagnitudeThreshold.threshold(
        of: prunable.map(\.tensor), fraction: configuration.percentage ?? 0.05,
        smallest: configuration.smallest)
      onEvent(.note("threshold |w| = \(threshold) over \(prunable.count) prunable weights"))
      for run in 0..<runs {
        try restore(model, from: original)
        var generator = RandomGenerator.derived(seed: options.seed, stream: 1000 + UInt64(run))
        let targets =
          options.scope == .reference
          ? model.namedParameters()
          : Self.prunableWeights(model, architecture: recipe.architecture)
        let count = try ThresholdModification.apply(
          to: targets, threshold: threshold, smallest: configuration.smallest,
          dropoutP: configuration.dropoutP ?? 0, mode: configuration.mode,
          rewindState: rewindState ?? [:], noiseStd: Float(configuration.noiseStd),
          generator: &generator)
        onEvent(.note("run \(run): modified \(count) values"))
        try recorder.addRun(try accuracies(model, data: data, split: split))
      }
    }
    try recorder.finish()
    return recorder.result
  }

  /// The prunable weights: every convolution of the ResNet (downsample included, the 53
  /// of the reference's list) or the ViT blocks' qkv/proj/fc1/fc2 weights.
  public static func prunableWeights(_ model: any ImageClassifier, architecture: Architecture)
    -> [NamedParameter]
  {
    let rule: CandidateRule = architecture.isTransformer ? .transformerLinears : .allConvolutions
    return model.namedParameters().filter { rule.admits(name: $0.name, shape: $0.tensor.shape) }
  }

  func splitNamed(_ name: String) throws -> Split {
    guard let split = Split(name: name) else {
      throw ExperimentsError.invalidArgument(
        what: "--split", expected: "train, val or test", found: name)
    }
    return split
  }

  func chosen(_ neuron: Neuron) -> ChosenNeuron {
    ChosenNeuron(name: neuron.parameter, index: neuron.index, value: Double(neuron.score))
  }

  func predict(_ model: any ImageClassifier, data: ExperimentData, split: Split) throws
    -> SplitPredictions
  {
    let start = DispatchTime.now().uptimeNanoseconds
    let predictions = try SplitEvaluator.predict(
      model, loader: data.evaluationLoader(split, batchSize: options.evaluationBatchSize),
      shouldStop: shouldStop)
    // The time of every pass, so that a study's cost per image can be read off its log
    // (the first pass over a split includes decoding its images into the crop cache).
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let count = predictions.labels.count
    onEvent(
      .note(
        "\(split): \(count) images in \(String(format: "%.1f", seconds)) s"
          + " (\(String(format: "%.1f", Double(count) / max(seconds, 1e-9))) images/s)"))
    return predictions
  }

  func accuracies(_ model: any ImageClassifier, data: ExperimentData, split: Split) throws
    -> [Double]
  {
    let metrics = try predict(model, data: data, split: split).metrics(
      trainingCounts: data.trainingCounts)
    onEvent(.evaluated(state: 1, split: split, metrics: metrics))
    return metrics.groupAccuracies
  }

  func restore(_ model: any ImageClassifier, from state: [(String, Tensor)]) throws {
    _ = try model.load(stateDict: state.map { ($0.0, $0.1.copy()) }, strict: true)
  }

  func modify(
    _ model: any ImageClassifier, neurons: [Neuron], rewind: [String: Tensor]?,
    generator: inout RandomGenerator
  ) throws {
    let parameters = Dictionary(
      model.namedParameters().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    for neuron in neurons {
      guard let weight = parameters[neuron.parameter] else {
        throw NeuronsError.missingParameter(name: neuron.parameter, source: "the model")
      }
      try NeuronModification.apply(
        options.configuration.mode, to: neuron, weight: weight,
        rewindSource: rewind?[neuron.parameter],
        noiseStd: Float(options.configuration.noiseStd), generator: &generator)
    }
  }

  /// The gradient of the mean cross-entropy over the samples at `positions`, with the
  /// model in evaluation mode as the reference leaves it (`get_grads_after_loss_change`
  /// on `CrossEntropyLoss()`, whose `.sum()` of a mean is the mean). Computed in pieces
  /// of 25 images weighted by their share: exact, since evaluation-mode batch norm does
  /// not depend on the batch.
  func gradientsOfLoss(
    _ model: any ImageClassifier, data: ExperimentData, split: Split, positions: [Int]
  ) throws -> [NamedParameter] {
    let subset = data.split(split).subset(positions)
    let loader = BatchLoader(
      split: subset, batchSize: 25,
      transform: .evaluation(.init(cropSize: data.options.resolution)),
      threads: data.options.threads, undecodable: data.options.undecodable)
    model.eval()
    model.zeroGrad()
    let iterator = try loader.epoch(0)
    while let batch = try iterator.next() {
      if shouldStop() { throw ExperimentsError.interrupted }
      let output = model(batch.imageTensor(0..<batch.count))
      let share = Float(batch.count) / Float(positions.count)
      (Tensor.crossEntropy(output, targets: batch.targetTensor(0..<batch.count)) * share)
        .backward()
    }
    let gradients: [NamedParameter] = model.namedParameters().map { name, parameter in
      (name, parameter.grad?.copy() ?? Tensor.zeros(parameter.shape))
    }
    model.zeroGrad()
    return gradients
  }

  /// The weights `rewind` restores: `--rewind-from`, or the checkpoint `rewindEpochs`
  /// epochs before the studied one in the same run folder (`epoch_{e}.safetensors` or
  /// the reference's `epoch_{e}_checkpoints.pth.tar`).
  func rewindWeights(for configuration: StudyConfiguration) throws -> [String: Tensor]? {
    guard configuration.mode == .rewind else { return nil }
    let url: URL
    if let explicit = options.rewindFrom {
      url = explicit
    } else {
      url = try Self.earlierCheckpoint(options.checkpoint, epochsBack: configuration.rewindEpochs)
    }
    onEvent(.note("rewinding from \(url.path)"))
    let state = StateDictBridge.tensors(of: try Checkpoint.load(contentsOf: url))
    return Dictionary(state.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
  }

  /// `epoch_{e - back}...` beside `epoch_{e}...`.
  static func earlierCheckpoint(_ url: URL, epochsBack: Int) throws -> URL {
    let name = url.lastPathComponent
    let folder = url.deletingLastPathComponent()
    for (prefix, suffix) in [("epoch_", ".safetensors"), ("epoch_", "_checkpoints.pth.tar")]
    where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
      let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
      if let epoch = Int(middle) {
        let target = folder.appendingPathComponent("\(prefix)\(epoch - epochsBack)\(suffix)")
        guard epoch - epochsBack >= 0, FileManager.default.fileExists(atPath: target.path) else {
          throw ExperimentsError.missing(
            path: target.path, what: "the checkpoint \(epochsBack) epochs before \(name)")
        }
        return target
      }
    }
    throw ExperimentsError.invalidArgument(
      what: "--rewind-epochs with \(name)",
      expected: "a checkpoint named epoch_{e}.safetensors or epoch_{e}_checkpoints.pth.tar,"
        + " or --rewind-from FILE",
      found: name)
  }

  func record(recipe: ModelRecipe, data: ExperimentData) -> RunRecord {
    var settings: [String: JSONValue] = [:]
    for (key, value) in recipe.settings { settings[key] = .string(value) }
    let c = options.configuration
    settings["checkpoint"] = .string(options.checkpoint.path)
    settings["study"] = .string(c.kind.rawValue)
    settings["mode"] = .string(c.mode.rawValue)
    settings["top_k"] = c.topK.map { .int($0) } ?? .null
    settings["percentage"] = c.percentage.map { .double($0) } ?? .null
    settings["smallest"] = .bool(c.smallest)
    settings["noise_std"] = .double(c.noiseStd)
    settings["rewind_epochs"] = .int(c.rewindEpochs)
    settings["split"] = .string(c.split ?? "train")
    settings["baseline_split"] = .string(c.baselineSplit ?? c.split ?? "train")
    settings["scope"] = .string(options.scope.rawValue)
    settings["runs"] = .int(options.runs ?? c.referenceRuns)
    return RunRecord(
      commandLine: options.commandLine, command: "study \(c.kind.rawValue)",
      settings: settings, version: options.version, seed: options.seed,
      datasetCounts: data.groupCounts)
  }
}
