import Foundation

/// Cosine annealing of the learning rate from its initial value to `minimum` over
/// `period` steps (PyTorch's `CosineAnnealingLR` with `T_max = period`, stepped once
/// per epoch): after `e` steps the rate is close to
/// `minimum + (initial - minimum) * (1 + cos(pi * e / period)) / 2`.
///
/// Like PyTorch, each step updates the current rate recursively from the previous
/// one, so a rate changed by someone else between steps is carried along, and past
/// `period` the rate rises again along the same cosine.
public final class CosineAnnealingLR {
  /// The optimizer whose learning rate is set.
  public let optimizer: any Optimizer
  /// Steps from the initial rate to the minimum (`T_max`).
  public let period: Int
  /// The lowest rate (`eta_min`).
  public let minimum: Double
  /// The optimizer's rate when the scheduler was created (`base_lr`).
  public let initial: Double
  /// Steps taken so far (`last_epoch`); assign a saved value to resume.
  public var lastEpoch = 0

  /// A schedule starting from the optimizer's current learning rate.
  public init(optimizer: any Optimizer, period: Int, minimum: Double = 0) {
    precondition(period > 0, "CosineAnnealingLR: period \(period) must be positive")
    self.optimizer = optimizer
    self.period = period
    self.minimum = minimum
    self.initial = optimizer.learningRate
  }

  /// Advances one epoch and sets the optimizer's learning rate.
  public func step() {
    lastEpoch += 1
    let e = Double(lastEpoch)
    let t = Double(period)
    let current = optimizer.learningRate
    if (lastEpoch - 1 - period) % (2 * period) == 0 {
      // At the trough the recursive ratio below would divide by zero; PyTorch adds
      // the first half-step of the next rise instead.
      optimizer.learningRate = current + (initial - minimum) * (1 - cos(Double.pi / t)) / 2
    } else {
      let ratio = (1 + cos(Double.pi * e / t)) / (1 + cos(Double.pi * (e - 1) / t))
      optimizer.learningRate = ratio * (current - minimum) + minimum
    }
  }
}
