import Foundation

/// One group's figures in a study summary.
public struct GroupSummary: Codable, Equatable, Sendable {
  public var group: Int
  public var name: String
  /// Training samples of the group, when known.
  public var trainingCount: Int?
  /// One of the two groups with the fewest training samples.
  public var isMinority: Bool
  /// Accuracy before modification.
  public var baseline: Double
  /// Mean accuracy over the modified runs (NaN without runs).
  public var mean: Double
  /// Sample standard deviation over the runs (divisor n - 1); nil for fewer than 2 runs.
  public var standardDeviation: Double?
  /// `mean - baseline`: negative when the modification hurt the group.
  public var change: Double
  /// `baseline - mean`: the README's "baseline minus mean", positive for a drop.
  public var drop: Double { -change }
}

/// The summary of one section of a study (the whole study, or one target group of the
/// activated study).
public struct SectionSummary: Codable, Equatable, Sendable {
  public var targetGroup: Int?
  public var neurons: [ChosenNeuron]
  public var runCount: Int
  public var groups: [GroupSummary]
  /// The lowest baseline accuracy and its group.
  public var worstGroupBefore: Double
  public var worstGroupIndexBefore: Int
  /// The lowest mean accuracy after modification and its group (the worst of the means,
  /// not the mean of each run's worst group).
  public var worstGroupAfter: Double
  public var worstGroupIndexAfter: Int
  /// Unweighted means of the group accuracies before and after.
  public var meanGroupBefore: Double
  public var meanGroupAfter: Double
  /// Training-count-weighted averages before and after (the reference's `averag`), when
  /// training counts are known.
  public var weightedBefore: Double?
  public var weightedAfter: Double?
}

/// A study's summary: per section, per group baseline, mean ± sample std over runs and
/// change, with minority groups marked and worst-group accuracy before and after.
public struct StudySummary: Codable, Equatable, Sendable {
  public var configuration: StudyConfiguration
  public var source: String?
  /// Always "sample (n-1)": the convention of `standardDeviation`.
  public var standardDeviationConvention: String
  public var minorityGroups: [Int]
  public var sections: [SectionSummary]

  /// Summarises `result`. Minority groups are `minorityGroups` when given, else the two
  /// groups with the fewest training samples, else none.
  public init(_ result: StudyResult, minorityGroups: [Int]? = nil) {
    configuration = result.configuration
    source = result.source
    standardDeviationConvention = "sample (n-1)"
    let counts = result.trainingCounts
    let minority =
      minorityGroups
      ?? counts.map { c in
        Array(c.indices.sorted { (c[$0], $0) < (c[$1], $1) }.prefix(2)).sorted()
      } ?? []
    self.minorityGroups = minority
    let baseline = result.baseline
    sections = result.sections.map { section in
      let groups = baseline.indices.map { g -> GroupSummary in
        let values = section.runs.map { $0[g] }
        let mean = values.isEmpty ? Double.nan : values.reduce(0, +) / Double(values.count)
        return GroupSummary(
          group: g, name: g < result.groupNames.count ? result.groupNames[g] : "group \(g)",
          trainingCount: counts.flatMap { g < $0.count ? $0[g] : nil },
          isMinority: minority.contains(g), baseline: baseline[g], mean: mean,
          standardDeviation: sampleStandardDeviation(values), change: mean - baseline[g])
      }
      let after = groups.map(\.mean)
      let worstBefore = argminIgnoringNaN(baseline)
      let worstAfter = argminIgnoringNaN(after)
      return SectionSummary(
        targetGroup: section.targetGroup, neurons: section.neurons, runCount: section.runs.count,
        groups: groups, worstGroupBefore: worstBefore.map { baseline[$0] } ?? .nan,
        worstGroupIndexBefore: worstBefore ?? -1,
        worstGroupAfter: worstAfter.map { after[$0] } ?? .nan,
        worstGroupIndexAfter: worstAfter ?? -1,
        meanGroupBefore: baseline.reduce(0, +) / Double(max(baseline.count, 1)),
        meanGroupAfter: after.reduce(0, +) / Double(max(after.count, 1)),
        weightedBefore: counts.flatMap {
          $0.count == baseline.count ? weightedAccuracy(baseline, weights: $0) : nil
        },
        weightedAfter: counts.flatMap {
          $0.count == after.count ? weightedAccuracy(after, weights: $0) : nil
        })
    }
  }
}

/// The sample standard deviation (divisor n - 1) of `values`; nil for fewer than two.
public func sampleStandardDeviation(_ values: [Double]) -> Double? {
  guard values.count >= 2 else { return nil }
  let mean = values.reduce(0, +) / Double(values.count)
  let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  return (squares / Double(values.count - 1)).squareRoot()
}

/// The index of the smallest non-NaN value (first on ties), nil if there is none.
func argminIgnoringNaN(_ values: [Double]) -> Int? {
  var best: Int?
  for i in values.indices where !values[i].isNaN {
    if best == nil || values[i] < values[best!] { best = i }
  }
  return best
}
