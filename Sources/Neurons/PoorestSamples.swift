/// The samples a group is worst at, from which the most-activated study takes its
/// gradients (`get_poorest_performing_samples_as_dataloader` with a target group,
/// REFERENCE.md 4.0).
public enum PoorestSamples {
  /// The reference's default sample count per group.
  public static let defaultCount = 200

  /// Positions (within the split) of the `count` samples of `group` whose predicted
  /// probability of their true class is lowest, lowest first; all of the group's
  /// samples when it has fewer.
  ///
  /// - Parameters:
  ///   - probabilities: the model's outputs, `[N, 2]` row-major, column 0 being
  ///     P(y = 1) as in the reference's label order `[y, 1 - y]`.
  ///   - groups: the group `2 * y + place` of each sample.
  ///   - group: which group to look at (0...3).
  /// Ties keep split order (a stable sort; PyTorch's argsort order for exact ties is
  /// unspecified).
  public static func positions(
    probabilities: [Float], groups: [Int], group: Int, count: Int = defaultCount
  ) -> [Int] {
    precondition(
      probabilities.count == 2 * groups.count,
      "PoorestSamples: \(probabilities.count) probabilities for \(groups.count) samples")
    // The true class of groups 0 and 1 is y = 0, whose probability is column 1.
    let trueColumn = group < 2 ? 1 : 0
    let members = groups.indices.filter { groups[$0] == group }
    let ranked = members.enumerated().sorted { lhs, rhs in
      let a = probabilities[2 * lhs.element + trueColumn]
      let b = probabilities[2 * rhs.element + trueColumn]
      return a != b ? a < b : lhs.offset < rhs.offset
    }
    return ranked.prefix(count).map(\.element)
  }
}
