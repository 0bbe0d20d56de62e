import Foundation

/// The reference's names for the three splits in its file names.
public enum ReferenceSplit: String, CaseIterable, Codable, Sendable {
  case training, testing, validating

  /// From our split names `train`, `test`, `val` (or the reference's own).
  public init?(split: String) {
    switch split {
    case "train", "training": self = .training
    case "test", "testing": self = .testing
    case "val", "validation", "validating": self = .validating
    default: return nil
    }
  }
}

/// `group_accuracy_evolution_in_{training,testing,validating}_set.txt` (REFERENCE.md 5.2):
/// one line `group{g}, acc_e0, acc_e1, ...` per group, then `averag, w_e0, ...`, values
/// with 4 decimals, each line ending in a newline. `w_e` weights the groups by the
/// training counts whatever the split (the reference's convention).
public struct GroupAccuracyEvolution: Equatable, Sendable {
  /// Accuracy per group (outer) and epoch (inner).
  public var groupAccuracies: [[Double]]
  /// The training-count-weighted average per epoch (the `averag` row).
  public var average: [Double]

  /// The reference's file name for `split`.
  public static func fileName(_ split: ReferenceSplit) -> String {
    "group_accuracy_evolution_in_\(split.rawValue)_set.txt"
  }

  /// Accuracies per group and epoch, with the `averag` row computed from
  /// `trainingCounts` as the reference computes it.
  public init(groupAccuracies: [[Double]], trainingCounts: [Int]) {
    precondition(
      groupAccuracies.count == trainingCounts.count,
      "GroupAccuracyEvolution: \(groupAccuracies.count) groups, \(trainingCounts.count) counts")
    let epochs = groupAccuracies.first?.count ?? 0
    precondition(
      groupAccuracies.allSatisfy { $0.count == epochs }, "GroupAccuracyEvolution: ragged epochs")
    self.groupAccuracies = groupAccuracies
    average = (0..<epochs).map { e in
      weightedAccuracy(groupAccuracies.map { $0[e] }, weights: trainingCounts)
    }
  }

  /// Accuracies per epoch given as one `GroupMetrics` per epoch.
  public init(epochs: [GroupMetrics], trainingCounts: [Int]) {
    let groupCount = trainingCounts.count
    self.init(
      groupAccuracies: (0..<groupCount).map { g in epochs.map { $0.groups[g].accuracy } },
      trainingCounts: trainingCounts)
  }

  /// Values as read back from a file.
  public init(groupAccuracies: [[Double]], average: [Double]) {
    self.groupAccuracies = groupAccuracies
    self.average = average
  }

  /// The evolution of `split` gathered from `metrics.jsonl` records: for each epoch in
  /// ascending order, the per-group accuracies of that split (epochs lacking a group
  /// give NaN for it).
  public init(records: [MetricsRecord], split: String, trainingCounts: [Int]) {
    let perGroup = records.filter { $0.split == split && $0.group != nil }
    let epochs = Array(Set(perGroup.map(\.epoch))).sorted()
    var table = [[Double]](
      repeating: [Double](repeating: .nan, count: epochs.count), count: trainingCounts.count)
    let column = Dictionary(uniqueKeysWithValues: epochs.enumerated().map { ($1, $0) })
    for record in perGroup {
      guard let g = record.group, g >= 0, g < trainingCounts.count, let e = column[record.epoch]
      else { continue }
      table[g][e] = record.accuracy ?? .nan
    }
    self.init(groupAccuracies: table, trainingCounts: trainingCounts)
  }

  /// Writes the reference file for `split` into `directory`, atomically.
  public func write(to directory: RunDirectory, split: ReferenceSplit) throws {
    try AtomicFile.write(referenceText, to: directory.file(GroupAccuracyEvolution.fileName(split)))
  }

  /// Reads a reference file from disk.
  public static func read(from url: URL) throws -> GroupAccuracyEvolution {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw ExperimentsError.missing(path: url.path, what: "the group accuracy file")
    }
    return try parse(text, source: url.path)
  }

  /// The file's text, byte for byte as the reference writes it.
  public var referenceText: String {
    var text = ""
    for (g, row) in groupAccuracies.enumerated() {
      text += "group\(g)" + row.map { ", " + PythonFloat.fixed($0, digits: 4) }.joined() + "\n"
    }
    text += "averag, " + average.map { PythonFloat.fixed($0, digits: 4) }.joined(separator: ", ")
    return text + "\n"
  }

  /// Reads a file the reference (or `referenceText`) wrote; `source` names it in errors.
  public static func parse(_ text: String, source: String) throws -> GroupAccuracyEvolution {
    var groups: [[Double]] = []
    var average: [Double]?
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where !line.trimmingCharacters(in: .whitespaces).isEmpty {
      let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let place = "line \(index + 1)"
      guard average == nil else {
        throw ExperimentsError.malformed(
          file: source, place: place, expected: "end of file after the averag row",
          found: "'\(line.prefix(40))'")
      }
      let values = try fields.dropFirst().map { field -> Double in
        guard let value = Double(field) else {
          throw ExperimentsError.malformed(
            file: source, place: place, expected: "a number", found: "'\(field)'")
        }
        return value
      }
      if fields[0] == "averag" {
        average = values
      } else if fields[0] == "group\(groups.count)" {
        groups.append(values)
      } else {
        throw ExperimentsError.malformed(
          file: source, place: place, expected: "'group\(groups.count)' or 'averag'",
          found: "'\(fields[0])'")
      }
    }
    guard let average else {
      throw ExperimentsError.malformed(
        file: source, place: "end of file", expected: "an 'averag' row", found: "none")
    }
    for (g, row) in groups.enumerated() where row.count != average.count {
      throw ExperimentsError.malformed(
        file: source, place: "group\(g)", expected: "\(average.count) epochs like averag",
        found: "\(row.count)")
    }
    return GroupAccuracyEvolution(groupAccuracies: groups, average: average)
  }
}
