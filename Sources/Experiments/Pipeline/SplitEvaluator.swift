import Datasets
import Models
import Tensor

/// A model's answers on every sample of a split.
public struct SplitPredictions: Sendable {
  /// The model's outputs `[N, 2]` row-major: probabilities for the reference's softmax
  /// head, logits for a linear head. Column 0 stands for y = 1, as the reference's
  /// label vector `[y, 1 - y]`.
  public var outputs: [Float]
  /// `softmax(logits)` `[N, 2]`, whatever the head.
  public var probabilities: [Float]
  /// The class y of each sample.
  public var labels: [Int]
  /// The group `2 y + place` of each sample.
  public var groups: [Int]
  /// Each row's position within the split (file order for evaluation loaders).
  public var positions: [Int]

  /// Per-group accuracy and the summary metrics, `averag` weighted by `trainingCounts`.
  public func metrics(trainingCounts: [Int]) -> GroupMetrics {
    GroupMetrics(outputs: outputs, labels: labels, groups: groups, trainingCounts: trainingCounts)
  }

  /// The per-group mean cross-entropy of the outputs, as the reference plots it
  /// (`F.cross_entropy(y_pred, y_true)` on probabilities for the softmax head).
  public var groupLosses: [Double] {
    groupCrossEntropy(outputs: outputs, labels: labels, groups: groups)
  }

  /// The rows sorted back into split order (a shuffled loader returns them mixed).
  public func inSplitOrder() -> SplitPredictions {
    let order = positions.indices.sorted { positions[$0] < positions[$1] }
    func pairs(_ values: [Float]) -> [Float] {
      order.flatMap { [values[2 * $0], values[2 * $0 + 1]] }
    }
    return SplitPredictions(
      outputs: pairs(outputs), probabilities: pairs(probabilities),
      labels: order.map { labels[$0] }, groups: order.map { groups[$0] },
      positions: order.map { positions[$0] })
  }
}

/// Runs a model over a split in evaluation mode (the reference's `dataset_inference`),
/// through the fast inference path (batch norm folded into the convolutions, no tape).
public enum SplitEvaluator {
  /// The predictions of `model` on every batch of `loader`'s epoch `epoch`.
  ///
  /// - Parameter shouldStop: polled between batches; when it returns true the pass
  ///   stops with `ExperimentsError.interrupted`.
  public static func predict(
    _ model: any ImageClassifier, loader: BatchLoader, epoch: Int = 0,
    shouldStop: () -> Bool = { false }
  ) throws -> SplitPredictions {
    let inference = InferenceModel(model)
    var result = SplitPredictions(
      outputs: [], probabilities: [], labels: [], groups: [], positions: [])
    let iterator = try loader.epoch(epoch)
    while let batch = try iterator.next() {
      if shouldStop() { throw ExperimentsError.interrupted }
      let images = Tensor(batch.images, shape: [batch.count, 3, batch.height, batch.width])
      let answer = inference.forward(images)
      result.outputs += answer.output.toArray()
      result.probabilities += Tensor.withoutGradient { answer.logits.softmax(axis: 1) }.toArray()
      result.labels += batch.labels
      result.groups += batch.groups
      result.positions += batch.indices
    }
    return result
  }
}
