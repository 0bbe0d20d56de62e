import Tensor

/// Batch normalisation over the channels of `[N, C, H, W]`, as `torch.nn.BatchNorm2d`
/// (affine, tracking running statistics). In training it normalises with the batch's
/// mean and biased variance and moves the running statistics by `momentum` towards
/// the batch's mean and unbiased variance; in evaluation it uses the running ones.
public final class BatchNorm2d: Module {
  /// Scale `[C]`, initialised to 1.
  public let weight: Tensor
  /// Shift `[C]`, initialised to 0.
  public let bias: Tensor
  /// Running mean `[C]`, initialised to 0.
  public let runningMean: Tensor
  /// Running (unbiased) variance `[C]`, initialised to 1.
  public let runningVar: Tensor
  /// Training batches seen, a one-value tensor holding a whole number (PyTorch keeps
  /// an int64; it only matters when momentum is None, which no model here uses).
  public let numBatchesTracked: Tensor
  /// Added to the variance before the square root.
  public let epsilon: Float
  /// Weight of the new batch in the running statistics.
  public let momentum: Float

  /// A layer for `channels` channels with PyTorch's defaults.
  public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
    weight = Tensor.ones([channels], requiresGrad: true)
    bias = Tensor.zeros([channels], requiresGrad: true)
    runningMean = Tensor.zeros([channels])
    runningVar = Tensor.ones([channels])
    numBatchesTracked = Tensor.zeros([])
    self.epsilon = epsilon
    self.momentum = momentum
  }

  public var channels: Int { weight.count }

  public override var localParameters: [(name: String, tensor: Tensor)] {
    [("weight", weight), ("bias", bias)]
  }

  public override var localBuffers: [(name: String, tensor: Tensor)] {
    [("running_mean", runningMean), ("running_var", runningVar),
     ("num_batches_tracked", numBatchesTracked)]
  }

  /// `[N, C, H, W]` to the same shape.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    if isTraining {
      numBatchesTracked.fill(numBatchesTracked.item + 1)
    }
    return Tensor.batchNorm2d(
      x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
      training: isTraining, momentum: momentum, eps: epsilon)
  }
}
