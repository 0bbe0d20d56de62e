import Foundation
import Tensor

/// The optimizer and learning-rate schedule of a training run.
public struct OptimizerSettings: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable { case adam, sgd }
  public enum Schedule: String, Sendable, CaseIterable { case plateau, cosine, none }

  public var kind: Kind
  public var learningRate: Double
  public var weightDecay: Double
  /// SGD only.
  public var momentum: Double
  public var schedule: Schedule
  /// ReduceLROnPlateau's patience: 3 in the ERM script, 1 in prune-finetune.
  public var plateauPatience: Int
  /// ReduceLROnPlateau's factor (0.5 in both reference scripts).
  public var plateauFactor: Double

  public init(
    kind: Kind = .adam, learningRate: Double, weightDecay: Double = 0, momentum: Double = 0.9,
    schedule: Schedule = .plateau, plateauPatience: Int, plateauFactor: Double = 0.5
  ) {
    self.kind = kind
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.momentum = momentum
    self.schedule = schedule
    self.plateauPatience = plateauPatience
    self.plateauFactor = plateauFactor
  }

  /// The settings as run.json and checkpoint metadata record them.
  public var record: [String: String] {
    [
      "optimizer": kind.rawValue, "lr": String(learningRate),
      "weight_decay": String(weightDecay), "momentum": String(momentum),
      "scheduler": schedule.rawValue, "plateau_patience": String(plateauPatience),
      "plateau_factor": String(plateauFactor),
    ]
  }
}

/// An optimizer with its schedule, able to save and restore its progress.
public final class TrainingOptimizer {
  public let settings: OptimizerSettings
  public let optimizer: any Optimizer
  private let plateau: ReduceLROnPlateau?
  private let cosine: CosineAnnealingLR?

  /// An optimizer over `parameters` (in `named_parameters()` order); `epochs` sets the
  /// cosine period.
  public init(settings: OptimizerSettings, parameters: [Tensor], epochs: Int) {
    self.settings = settings
    switch settings.kind {
    case .adam:
      optimizer = Adam(
        parameters: parameters, learningRate: settings.learningRate,
        weightDecay: settings.weightDecay)
    case .sgd:
      optimizer = SGD(
        parameters: parameters, learningRate: settings.learningRate,
        momentum: settings.momentum, weightDecay: settings.weightDecay)
    }
    plateau =
      settings.schedule == .plateau
      ? ReduceLROnPlateau(
        optimizer: optimizer, factor: settings.plateauFactor, patience: settings.plateauPatience)
      : nil
    cosine =
      settings.schedule == .cosine
      ? CosineAnnealingLR(optimizer: optimizer, period: max(1, epochs)) : nil
  }

  /// Ends an epoch: the plateau rule sees the epoch's summed loss, as the reference's
  /// `scheduler.step(epoch_loss)`; the cosine schedule advances one step.
  public func endEpoch(loss: Double) {
    plateau?.step(loss)
    cosine?.step()
  }

  /// The state to save: Adam's moments and steps, or SGD's momentum buffers.
  public var stateTensors: [(name: String, tensor: Tensor)] {
    if let adam = optimizer as? Adam { return adam.exportState() }
    return (optimizer as? SGD)?.exportState() ?? []
  }

  /// Scheduler progress as one line of text.
  public var scheduleState: String {
    if let plateau {
      let s = plateau.state
      return "plateau \(s.best) \(s.badEpochs) \(s.cooldownCounter) \(s.lastEpoch)"
    }
    if let cosine { return "cosine \(cosine.lastEpoch)" }
    return "none"
  }

  /// Restores what `stateTensors`, `scheduleState` and the learning rate described.
  public func restore(
    tensors: [(name: String, tensor: Tensor)], schedule: String, learningRate: Double,
    source: String
  ) throws {
    if let adam = optimizer as? Adam { try adam.importState(tensors) }
    if let sgd = optimizer as? SGD { try sgd.importState(tensors) }
    optimizer.learningRate = learningRate
    let fields = schedule.split(separator: " ").map(String.init)
    if let plateau, fields.count == 5, fields[0] == "plateau",
      let best = Double(fields[1]), let bad = Int(fields[2]), let cool = Int(fields[3]),
      let last = Int(fields[4])
    {
      plateau.state = .init(best: best, badEpochs: bad, cooldownCounter: cool, lastEpoch: last)
    } else if let cosine, fields.count == 2, fields[0] == "cosine", let last = Int(fields[1]) {
      cosine.lastEpoch = last
    } else if plateau != nil || cosine != nil {
      throw ExperimentsError.malformed(
        file: source, place: "metadata spurious.scheduler",
        expected: "the state of a \(settings.schedule.rawValue) schedule", found: "'\(schedule)'")
    }
  }
}
