import Foundation

/// Accuracy of one group of one split.
public struct GroupAccuracy: Codable, Equatable, Sendable {
  /// Group index (g = 2y + place).
  public var group: Int
  /// Samples of the group.
  public var count: Int
  /// Correctly predicted samples.
  public var correct: Int

  /// `correct / count`; NaN for an empty group, as sklearn's `accuracy_score` gives and
  /// the reference writes (`nan`).
  public var accuracy: Double { count == 0 ? .nan : Double(correct) / Double(count) }

  public init(group: Int, count: Int, correct: Int) {
    self.group = group
    self.count = count
    self.correct = correct
  }
}

/// Per-group and aggregate accuracy of a binary classifier on one split, computed the
/// reference's way (REFERENCE.md 4.0): the target row of a sample with label y is
/// `[y, 1-y]`, so column 0 stands for y = 1, and a prediction is correct when the
/// argmax of the output row equals the argmax of the target row. Argmax ties pick the
/// first column, as `torch.argmax` and numpy do.
public struct GroupMetrics: Codable, Equatable, Sendable {
  /// One entry per group, in group order; groups without samples have count 0.
  public var groups: [GroupAccuracy]
  /// Training-split samples per group, the weights of `trainingWeightedAccuracy`.
  public var trainingCounts: [Int]

  /// Computes the metrics from model outputs `[N, 2]` (row-major, probabilities or
  /// logits), labels `y` in {0, 1} and groups in `0..<groupCount`. `trainingCounts`
  /// (default: this split's own counts) weights the `averag` figure.
  public init(
    outputs: [Float], labels: [Int], groups: [Int], groupCount: Int = 4,
    trainingCounts: [Int]? = nil
  ) {
    precondition(
      outputs.count == 2 * labels.count && labels.count == groups.count,
      "GroupMetrics: outputs [\(outputs.count / 2), 2] (\(outputs.count) values), "
        + "labels [\(labels.count)], groups [\(groups.count)] must describe the same samples")
    var counts = [Int](repeating: 0, count: groupCount)
    var correct = [Int](repeating: 0, count: groupCount)
    for i in labels.indices {
      let g = groups[i]
      precondition(
        g >= 0 && g < groupCount, "GroupMetrics: group \(g) of sample \(i) not in 0..<\(groupCount)"
      )
      precondition(
        labels[i] == 0 || labels[i] == 1, "GroupMetrics: label \(labels[i]) of sample \(i)")
      let predictedColumn = argmax2(outputs[2 * i], outputs[2 * i + 1])
      let targetColumn = labels[i] == 1 ? 0 : 1
      counts[g] += 1
      if predictedColumn == targetColumn { correct[g] += 1 }
    }
    self.groups = (0..<groupCount).map {
      GroupAccuracy(group: $0, count: counts[$0], correct: correct[$0])
    }
    self.trainingCounts = trainingCounts ?? counts
    precondition(
      self.trainingCounts.count == groupCount,
      "GroupMetrics: \(self.trainingCounts.count) training counts for \(groupCount) groups")
  }

  /// Computes the metrics from target rows `[N, 2]` as the reference stores them
  /// (`[y, 1-y]`, or any row whose argmax is the true column).
  public init(
    outputs: [Float], targets: [Float], groups: [Int], groupCount: Int = 4,
    trainingCounts: [Int]? = nil
  ) {
    precondition(
      targets.count == outputs.count,
      "GroupMetrics: outputs \(outputs.count) values, targets \(targets.count) values")
    let labels = stride(from: 0, to: targets.count, by: 2).map {
      argmax2(targets[$0], targets[$0 + 1]) == 0 ? 1 : 0
    }
    self.init(
      outputs: outputs, labels: labels, groups: groups, groupCount: groupCount,
      trainingCounts: trainingCounts)
  }

  /// Builds metrics from counts already known (e.g. read back from a file).
  public init(groups: [GroupAccuracy], trainingCounts: [Int]) {
    self.groups = groups
    self.trainingCounts = trainingCounts
  }

  /// Samples in the split.
  public var count: Int { groups.reduce(0) { $0 + $1.count } }

  /// Correct predictions in the split.
  public var correct: Int { groups.reduce(0) { $0 + $1.correct } }

  /// Per-group accuracies in group order (NaN for empty groups).
  public var groupAccuracies: [Double] { groups.map(\.accuracy) }

  /// Plain accuracy over all samples, `correct / N` (NaN when N = 0).
  public var accuracy: Double { count == 0 ? .nan : Double(correct) / Double(count) }

  /// The lowest accuracy among the groups that have samples; nil when none has. Empty
  /// groups are left out: they have no accuracy to be worst at.
  public var worstGroupAccuracy: Double? {
    groups.filter { $0.count > 0 }.map(\.accuracy).min()
  }

  /// The group with the lowest accuracy (the first one on ties), nil when all are empty.
  public var worstGroup: Int? {
    groups.filter { $0.count > 0 }.min { $0.accuracy < $1.accuracy }?.group
  }

  /// The unweighted mean of the non-empty groups' accuracies, nil when all are empty.
  public var meanGroupAccuracy: Double? {
    let present = groups.filter { $0.count > 0 }
    return present.isEmpty ? nil : present.map(\.accuracy).reduce(0, +) / Double(present.count)
  }

  /// The reference's `averag` figure: group accuracies weighted by the training group
  /// counts, Σ n_train[g]·acc_g / Σ n_train, summed in group order like the reference's
  /// numpy expression. An empty group makes it NaN, as in the reference.
  public var trainingWeightedAccuracy: Double {
    weightedAccuracy(groupAccuracies, weights: trainingCounts)
  }
}

/// Σ w[g]·a[g] / Σ w, accumulated left to right in group order (the reference's
/// `(r0*a0 + r1*a1 + r2*a2 + r3*a3) / r.sum()`), so the last bits agree with it.
public func weightedAccuracy(_ accuracies: [Double], weights: [Int]) -> Double {
  precondition(
    accuracies.count == weights.count,
    "weightedAccuracy: \(accuracies.count) accuracies, \(weights.count) weights")
  var sum = 0.0
  for g in accuracies.indices { sum += Double(weights[g]) * accuracies[g] }
  return sum / Double(weights.reduce(0, +))
}

/// `torch.argmax` of a two-element row: ties pick the first index, and a NaN counts as
/// the maximum (the first NaN wins), as torch treats NaN.
@inline(__always) func argmax2(_ first: Float, _ second: Float) -> Int {
  if first.isNaN { return 0 }
  if second.isNaN { return 1 }
  return second > first ? 1 : 0
}

/// Per-group mean cross-entropy as the reference's group-loss plots compute it:
/// `F.cross_entropy(output, target)` with soft targets `[y, 1-y]`, i.e. the mean over the
/// group's samples of `-Σ_c t_c · log_softmax(output)_c`. With the reference's Softmax head
/// the outputs are probabilities, so this is the double softmax the reference uses
/// (REFERENCE.md 7.1). Accumulated in Double; NaN for an empty group.
public func groupCrossEntropy(
  outputs: [Float], labels: [Int], groups: [Int], groupCount: Int = 4
) -> [Double] {
  precondition(
    outputs.count == 2 * labels.count && labels.count == groups.count,
    "groupCrossEntropy: outputs \(outputs.count) values, labels [\(labels.count)], "
      + "groups [\(groups.count)]")
  var sums = [Double](repeating: 0, count: groupCount)
  var counts = [Int](repeating: 0, count: groupCount)
  for i in labels.indices {
    let a = Double(outputs[2 * i])
    let b = Double(outputs[2 * i + 1])
    // log-sum-exp with the maximum taken out, so large logits do not overflow.
    let m = max(a, b)
    let logSum = m + log(exp(a - m) + exp(b - m))
    let trueColumnValue = labels[i] == 1 ? a : b
    sums[groups[i]] += logSum - trueColumnValue
    counts[groups[i]] += 1
  }
  return (0..<groupCount).map { counts[$0] == 0 ? .nan : sums[$0] / Double(counts[$0]) }
}
