/// Halves (or otherwise scales) the learning rate when a monitored quantity stops
/// decreasing: PyTorch's `ReduceLROnPlateau` in mode `min` with a relative threshold.
///
/// At each `step(metric)`: the metric is an improvement when it is below
/// `best * (1 - threshold)`; otherwise the count of bad epochs grows. While cooling
/// down, bad epochs are not counted. When the count exceeds `patience`, the rate
/// becomes `max(lr * factor, minLearningRate)`, applied only if it drops by more than
/// `epsilon`, and the cooldown starts. The reference uses factor 0.5 with patience 3
/// (ERM) or 1 (prune-and-finetune), other settings at PyTorch's defaults.
public final class ReduceLROnPlateau {
  /// The optimizer whose learning rate is reduced.
  public let optimizer: any Optimizer
  /// Multiplier applied to the learning rate at each reduction, in (0, 1).
  public let factor: Double
  /// Bad epochs tolerated before a reduction.
  public let patience: Int
  /// Relative margin an improvement must exceed.
  public let threshold: Double
  /// Epochs to wait after a reduction before counting bad epochs again.
  public let cooldown: Int
  /// The learning rate never goes below this.
  public let minLearningRate: Double
  /// Reductions smaller than this are skipped.
  public let epsilon: Double

  /// Mutable progress, exportable so a resumed run continues identically.
  public struct State: Equatable, Sendable {
    /// The lowest metric seen (infinity before the first step).
    public var best: Double = .infinity
    /// Consecutive steps without improvement.
    public var badEpochs: Int = 0
    /// Steps of cooldown left.
    public var cooldownCounter: Int = 0
    /// Steps taken so far (PyTorch's `last_epoch`).
    public var lastEpoch: Int = 0

    public init(
      best: Double = .infinity, badEpochs: Int = 0, cooldownCounter: Int = 0, lastEpoch: Int = 0
    ) {
      self.best = best
      self.badEpochs = badEpochs
      self.cooldownCounter = cooldownCounter
      self.lastEpoch = lastEpoch
    }
  }

  /// The scheduler's progress; assign a saved value to resume.
  public var state = State()

  /// A scheduler with PyTorch's defaults apart from what the caller sets.
  public init(
    optimizer: any Optimizer, factor: Double = 0.1, patience: Int = 10,
    threshold: Double = 1e-4, cooldown: Int = 0, minLearningRate: Double = 0,
    epsilon: Double = 1e-8
  ) {
    precondition(factor > 0 && factor < 1, "ReduceLROnPlateau: factor \(factor) not in (0, 1)")
    precondition(patience >= 0 && cooldown >= 0, "ReduceLROnPlateau: negative patience/cooldown")
    self.optimizer = optimizer
    self.factor = factor
    self.patience = patience
    self.threshold = threshold
    self.cooldown = cooldown
    self.minLearningRate = minLearningRate
    self.epsilon = epsilon
  }

  /// Records the epoch's metric (the reference passes the summed training loss) and
  /// reduces the optimizer's learning rate when the plateau rule says so.
  public func step(_ metric: Double) {
    state.lastEpoch += 1
    // A NaN metric is never an improvement, as in PyTorch (comparisons are false).
    if metric < state.best * (1 - threshold) {
      state.best = metric
      state.badEpochs = 0
    } else {
      state.badEpochs += 1
    }

    if state.cooldownCounter > 0 {
      state.cooldownCounter -= 1
      state.badEpochs = 0
    }

    if state.badEpochs > patience {
      let old = optimizer.learningRate
      let new = max(old * factor, minLearningRate)
      if old - new > epsilon { optimizer.learningRate = new }
      state.cooldownCounter = cooldown
      state.badEpochs = 0
    }
  }
}
