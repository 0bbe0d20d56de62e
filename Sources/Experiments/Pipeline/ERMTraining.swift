import Datasets
import Foundation
import Models
import Tensor

/// Progress inside an epoch, for the command line's bar.
public struct BatchProgress: Sendable {
  public var epoch: Int
  public var batch: Int
  public var batches: Int
  /// This batch's loss (the mean over its samples).
  public var loss: Double
  public var images: Int
  public var seconds: Double
}

/// What one training epoch produced.
public struct EpochTrainingResult: Sendable {
  /// The sum over batches of each batch's mean loss (the reference's `epoch_loss`).
  public var loss: Double
  public var images: Int
  public var seconds: Double
}

/// Empirical risk minimisation, one epoch at a time (REFERENCE.md 4.1).
public enum ERMTraining {
  /// Trains `model` for one epoch on `loader`: for each batch, the mean cross-entropy of
  /// the model's output against `[y, 1 - y]` (on probabilities for the softmax head:
  /// the reference's double softmax), backward, one optimizer step.
  ///
  /// With `microBatch`, each batch is split into pieces whose losses, weighted by their
  /// share of the batch, are backpropagated one after another: the gradient is the
  /// batch's, but batch-norm statistics come from each piece.
  public static func epoch(
    _ model: any ImageClassifier, optimizer: TrainingOptimizer, loader: BatchLoader,
    epoch: Int, microBatch: Int? = nil, onBatch: (BatchProgress) -> Void = { _ in },
    shouldStop: () -> Bool = { false }
  ) throws -> EpochTrainingResult {
    model.train()
    defer { model.eval() }
    let start = Date()
    var total = 0.0
    var images = 0
    let iterator = try loader.epoch(epoch)
    var index = 0
    while let batch = try iterator.next() {
      if shouldStop() { throw ExperimentsError.interrupted }
      optimizer.optimizer.zeroGrad()
      var batchLoss = 0.0
      for piece in batch.chunks(of: microBatch) {
        let output = model(batch.imageTensor(piece))
        let share = Float(piece.count) / Float(batch.count)
        let loss = Tensor.crossEntropy(output, targets: batch.targetTensor(piece)) * share
        batchLoss += Double(loss.item)
        loss.backward()
      }
      optimizer.optimizer.step()
      total += batchLoss
      images += batch.count
      index += 1
      onBatch(
        BatchProgress(
          epoch: epoch, batch: index, batches: loader.batchCount, loss: batchLoss,
          images: images, seconds: Date().timeIntervalSince(start)))
    }
    return EpochTrainingResult(
      loss: total, images: images, seconds: Date().timeIntervalSince(start))
  }
}
