import Tensor

/// Greedy global top-k over output channels, as the reference's selection loops.
///
/// Each round scans the candidate parameters in registration order and takes the
/// channel with the largest score; a later channel wins only when strictly larger,
/// so the first maximum wins ties (`max(score) > best` with `argmax`, REFERENCE.md
/// 4.0). The winner's channel is then zeroed before the next round: the reference
/// zeroes the weight (largest study) or the gradient slice (most-activated study),
/// which changes that channel's score to 0 and nothing else, so here its score is
/// set to 0. Scores start from `best = 0`, so an all-zero model yields no neuron.
public enum GreedySelection {
  /// The `k` highest-scoring output channels of the `tensors` admitted by `rule`.
  ///
  /// - Parameters:
  ///   - tensors: weights (largest) or gradients (most activated), named and in
  ///     registration order.
  ///   - k: how many neurons to pick.
  ///   - rule: which tensors compete.
  /// - Throws: `NeuronsError.noCandidates` when no tensor is admitted, and
  ///   `.notEnoughNeurons` when fewer than `k` channels have a positive score.
  public static func topChannels(
    of tensors: [NamedParameter], k: Int, rule: CandidateRule
  ) throws -> [Neuron] {
    precondition(k >= 0, "GreedySelection: k must be non-negative, got \(k)")
    var names: [String] = []
    var scores: [[Float]] = []
    for (name, tensor) in tensors where rule.admits(name: name, shape: tensor.shape) {
      names.append(name)
      scores.append(outputChannelNorms(tensor))
    }
    if names.isEmpty { throw NeuronsError.noCandidates(rule: rule.rawValue) }

    var chosen: [Neuron] = []
    for _ in 0..<k {
      var best: Float = 0
      var winner: (parameter: Int, channel: Int)?
      for p in scores.indices {
        // argmax within the parameter: first maximum.
        var localBest = -Float.infinity
        var localIndex = 0
        for (c, s) in scores[p].enumerated() where s > localBest {
          localBest = s
          localIndex = c
        }
        if localBest > best {
          best = localBest
          winner = (p, localIndex)
        }
      }
      guard let (p, c) = winner else {
        throw NeuronsError.notEnoughNeurons(requested: k, available: chosen.count)
      }
      chosen.append(Neuron(parameter: names[p], index: c, score: best))
      scores[p][c] = 0
    }
    return chosen
  }
}
