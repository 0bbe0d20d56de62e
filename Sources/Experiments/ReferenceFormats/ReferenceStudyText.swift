import Foundation

/// The text file of the reference's Part I studies (REFERENCE.md 5.1):
///
///     a0, a1, a2, a3                            baseline, 8 decimals, no leading comma
///     modified neurons name, index and value
///     <name>, <channel>, <repr of the score>    one line per chosen neuron
///     [activated] model modified based on gradient from loss with only group <g>s samples
///     , a0, a1, a2, a3                          one line per run, leading ", "
///     [activated] an empty line after each run
///
/// In the activated study the neuron lines, the group line and the runs repeat for each
/// of the 4 groups. The parser also reads the README's example, whose rows have 4
/// decimals and no leading comma.
public enum ReferenceStudyText {
  /// The second line of every study file.
  public static let neuronHeader = "modified neurons name, index and value"

  /// The baseline line: `f'{a:.8f}'` joined by `, ` (the reference strips the leading
  /// `, ` of `group_accuracy_evaluation` only here).
  public static func baselineLine(_ accuracies: [Double]) -> String {
    accuracies.map { PythonFloat.fixed($0, digits: 8) }.joined(separator: ", ") + "\n"
  }

  /// A run line: `, a0, a1, a2, a3`, 8 decimals.
  public static func runLine(_ accuracies: [Double]) -> String {
    accuracies.map { ", " + PythonFloat.fixed($0, digits: 8) }.joined() + "\n"
  }

  /// A neuron line: `name, channel, value` with the value in Python's repr (the reference
  /// prints `tensor.item()`, a float32 widened to a Python float).
  public static func neuronLine(_ neuron: ChosenNeuron) -> String {
    "\(neuron.name), \(neuron.index), \(PythonFloat.repr(neuron.value))\n"
  }

  /// The activated study's line before a group's runs.
  public static func targetGroupLine(_ group: Int) -> String {
    "model modified based on gradient from loss with only group \(group)s samples\n"
  }

  /// The whole file. `blankLineAfterRuns` is the activated study's layout (its group
  /// lines are written for sections with a target group).
  public static func text(baseline: [Double], sections: [StudySection], blankLineAfterRuns: Bool)
    -> String
  {
    var text = baselineLine(baseline) + neuronHeader + "\n"
    for section in sections {
      text += section.neurons.map(neuronLine).joined()
      if let group = section.targetGroup { text += targetGroupLine(group) }
      for run in section.runs {
        text += runLine(run) + (blankLineAfterRuns ? "\n" : "")
      }
    }
    return text
  }

  /// Reads a study file into its baseline and sections; `source` names it in errors.
  public static func parse(_ text: String, source: String) throws -> (
    baseline: [Double], sections: [StudySection]
  ) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    var baseline: [Double]?
    var sawHeader = false
    var sections: [StudySection] = []
    var pending: [ChosenNeuron] = []
    var current: StudySection?
    let groupPrefix = "model modified based on gradient from loss with only group "

    for (index, rawLine) in lines.enumerated() {
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      let place = "line \(index + 1)"
      if line.isEmpty { continue }
      guard let base = baseline else {
        guard let row = accuracyRow(line) else {
          throw ExperimentsError.malformed(
            file: source, place: place, expected: "the baseline accuracies 'a0, a1, ...'",
            found: quote(line))
        }
        baseline = row
        continue
      }
      if !sawHeader {
        guard line == neuronHeader else {
          throw ExperimentsError.malformed(
            file: source, place: place, expected: quote(neuronHeader), found: quote(line))
        }
        sawHeader = true
        continue
      }
      if line.hasPrefix(groupPrefix), line.hasSuffix("s samples"),
        let g = Int(line.dropFirst(groupPrefix.count).dropLast("s samples".count))
      {
        if let done = current { sections.append(done) }
        current = StudySection(targetGroup: g, neurons: pending)
        pending = []
      } else if let row = accuracyRow(line) {
        guard row.count == base.count else {
          throw ExperimentsError.malformed(
            file: source, place: place, expected: "\(base.count) accuracies like the baseline",
            found: "\(row.count)")
        }
        if current == nil || !pending.isEmpty {
          if let done = current { sections.append(done) }
          current = StudySection(neurons: pending)
          pending = []
        }
        current!.runs.append(row)
      } else if let neuron = neuronFields(line) {
        pending.append(neuron)
      } else {
        throw ExperimentsError.malformed(
          file: source, place: place,
          expected: "an accuracy row, a neuron line 'name, index, value' or a group line",
          found: quote(line))
      }
    }
    guard let baseline, sawHeader else {
      throw ExperimentsError.malformed(
        file: source, place: "end of file",
        expected: baseline == nil ? "a baseline line" : quote(neuronHeader), found: "nothing")
    }
    if let done = current { sections.append(done) }
    if !pending.isEmpty { sections.append(StudySection(neurons: pending)) }
    return (baseline, sections)
  }

  /// `a0, a1, ...` or `, a0, a1, ...` with every field a number (or nan).
  static func accuracyRow(_ line: String) -> [Double]? {
    var body = Substring(line)
    if body.hasPrefix(",") { body = body.dropFirst() }
    let fields = body.split(separator: ",", omittingEmptySubsequences: false)
    var values: [Double] = []
    for field in fields {
      guard let value = Double(field.trimmingCharacters(in: .whitespaces)) else { return nil }
      values.append(value)
    }
    return values.isEmpty ? nil : values
  }

  /// `name, index, value`, the name not a number.
  static func neuronFields(_ line: String) -> ChosenNeuron? {
    let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    guard fields.count == 3, !fields[0].isEmpty, Double(fields[0]) == nil,
      let index = Int(fields[1]), let value = Double(fields[2])
    else { return nil }
    return ChosenNeuron(name: fields[0], index: index, value: value)
  }

  private static func quote(_ line: String) -> String {
    "'" + (line.count > 60 ? line.prefix(60) + "..." : line) + "'"
  }

  /// Reads a reference study file from disk, recovering its configuration from the file
  /// name and, when the folder name says so (`resnet50_waterbirds_train_group_...`), the
  /// dataset and split.
  public static func read(from url: URL) throws -> StudyResult {
    guard var configuration = StudyConfiguration.parse(referenceFileName: url.lastPathComponent)
    else {
      throw ExperimentsError.malformed(
        file: url.path, place: "file name",
        expected: "a reference study name such as zero_global_top3_largest_neuron.txt",
        found: quote(url.lastPathComponent))
    }
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw ExperimentsError.io(path: url.path, operation: "read", reason: "\(error)")
    }
    let (baseline, sections) = try parse(text, source: url.path)
    let folder = url.deletingLastPathComponent().lastPathComponent.lowercased()
    let parts = Set(folder.split(separator: "_").map(String.init))
    var groups = DatasetGroups.generic()
    for name in ["waterbirds", "celeba"] where parts.contains(name) {
      groups = DatasetGroups.named(name)
      configuration.dataset = name
    }
    for split in ["train", "test", "val"] where parts.contains(split) {
      configuration.split = split
      configuration.baselineSplit = split
    }
    let hasCounts = groups.counts["train"] != nil && groups.names.count == baseline.count
    return StudyResult(
      configuration: configuration,
      groupNames: groups.names.count == baseline.count
        ? groups.names : baseline.indices.map { "group \($0)" },
      trainingCounts: hasCounts ? groups.counts["train"] : nil, baseline: baseline,
      sections: sections, source: url.path)
  }
}
