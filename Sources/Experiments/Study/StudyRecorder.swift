import Foundation

/// Records a study as it runs, the way the reference appends to its text file: after
/// every step the reference-format file is rewritten atomically (so a killed study leaves
/// a consistent prefix that `report` can read), and `finish()` writes `study.json`, whose
/// presence marks the study done for sweeps. Typical use in a study loop:
///
///     var recorder = try StudyRecorder(directory: run, configuration: c, groups: .waterbirds,
///                                      baseline: baselineAccuracies)
///     try recorder.beginSection(targetGroup: nil, neurons: chosen)   // or per group
///     for _ in 0..<runs { try recorder.addRun(accuracies) }
///     try recorder.finish()
public struct StudyRecorder {
  /// The folder written to.
  public let directory: RunDirectory
  /// Everything recorded so far.
  public private(set) var result: StudyResult

  /// Starts the record with the unmodified model's per-group accuracies and writes the
  /// reference file's first two lines.
  public init(
    directory: RunDirectory, configuration: StudyConfiguration, groups: DatasetGroups,
    baseline: [Double]
  ) throws {
    self.directory = directory
    result = StudyResult(
      configuration: configuration, groupNames: groups.names,
      trainingCounts: groups.counts["train"], baseline: baseline, sections: [])
    try result.writeReferenceText(to: directory)
  }

  /// Starts a section: the neurons chosen (for the activated study, those chosen from
  /// group `targetGroup`'s samples).
  public mutating func beginSection(targetGroup: Int? = nil, neurons: [ChosenNeuron]) throws {
    result.sections.append(StudySection(targetGroup: targetGroup, neurons: neurons))
    try result.writeReferenceText(to: directory)
  }

  /// Adds one modified run's per-group accuracies to the current section (a first run
  /// without `beginSection` opens a section without neurons, as the threshold study has).
  public mutating func addRun(_ accuracies: [Double]) throws {
    precondition(
      accuracies.count == result.baseline.count,
      "StudyRecorder: \(accuracies.count) accuracies for \(result.baseline.count) groups")
    if result.sections.isEmpty { result.sections.append(StudySection()) }
    result.sections[result.sections.count - 1].runs.append(accuracies)
    try result.writeReferenceText(to: directory)
  }

  /// Writes `study.json`; call once, after the last run.
  public func finish() throws {
    try result.write(to: directory)
  }
}
