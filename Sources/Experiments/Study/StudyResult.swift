import Foundation

/// One modified neuron: an output channel of a parameter tensor.
public struct ChosenNeuron: Codable, Equatable, Sendable {
  /// The parameter's state-dict name (`layer4.2.conv3.weight`).
  public var name: String
  /// The output channel.
  public var index: Int
  /// Its score: the weight L2 norm (largest) or gradient L2 norm (activated).
  public var value: Double

  public init(name: String, index: Int, value: Double) {
    self.name = name
    self.index = index
    self.value = value
  }
}

/// The neurons chosen for one target (the whole study, or one group's samples in the
/// activated study) and the per-group accuracies of each modified run.
public struct StudySection: Codable, Equatable, Sendable {
  /// Activated study: the group whose worst samples drove the choice; nil otherwise.
  public var targetGroup: Int?
  /// The neurons, in the order chosen (none for the threshold study).
  public var neurons: [ChosenNeuron]
  /// Per run, the accuracy of each group after the modification.
  public var runs: [[Double]]

  public init(targetGroup: Int? = nil, neurons: [ChosenNeuron] = [], runs: [[Double]] = []) {
    self.targetGroup = targetGroup
    self.neurons = neurons
    self.runs = runs
  }
}

/// Everything one study produced (`study.json`, and the reference's text file).
public struct StudyResult: Codable, Equatable, Sendable {
  /// The project's result file name inside a run folder.
  public static let fileName = "study.json"

  public var configuration: StudyConfiguration
  /// Group names for tables (correct spelling).
  public var groupNames: [String]
  /// Training samples per group, when known (marks the minority groups).
  public var trainingCounts: [Int]?
  /// Accuracy of each group before any modification.
  public var baseline: [Double]
  /// One section (largest, threshold) or one per target group (activated).
  public var sections: [StudySection]
  /// Where the result was read from (report only; not written by the study).
  public var source: String?

  public init(
    configuration: StudyConfiguration, groupNames: [String], trainingCounts: [Int]? = nil,
    baseline: [Double], sections: [StudySection], source: String? = nil
  ) {
    self.configuration = configuration
    self.groupNames = groupNames
    self.trainingCounts = trainingCounts
    self.baseline = baseline
    self.sections = sections
    self.source = source
  }

  /// The reference's text file for this result (see `ReferenceStudyText`).
  public var referenceText: String {
    ReferenceStudyText.text(
      baseline: baseline, sections: sections,
      blankLineAfterRuns: configuration.kind == .activated)
  }

  /// Writes `study.json` into `directory`, atomically.
  public func write(to directory: RunDirectory) throws {
    try AtomicFile.write(
      try makeJSONEncoder().encode(self) + Data("\n".utf8), to: directory.file(StudyResult.fileName)
    )
  }

  /// Writes the reference's text file (under its reference name) into `directory`,
  /// atomically. Call it after each run so a killed study leaves a consistent prefix.
  public func writeReferenceText(to directory: RunDirectory) throws {
    try AtomicFile.write(referenceText, to: directory.file(configuration.referenceFileName))
  }

  /// Reads a `study.json`.
  public static func read(from url: URL) throws -> StudyResult {
    var result = try decodeJSON(StudyResult.self, from: url)
    result.source = url.path
    return result
  }
}
