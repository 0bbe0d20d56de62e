import Foundation

/// Output formats of `spurious report`.
public enum ReportFormat: String, CaseIterable, Sendable {
  case markdown, csv, json
}

/// `spurious report`: gathers study results from files and folders and renders the
/// paper's tables (per configuration and group: baseline, mean ± sample std over runs,
/// change), worst-group and average rows, and the drop-versus-top-k figure.
public struct Report: Sendable {
  /// The summaries, sorted by configuration then source.
  public var summaries: [StudySummary]

  public init(results: [StudyResult]) {
    summaries = results.map { StudySummary($0) }.sorted {
      (
        $0.configuration.kind.rawValue, $0.configuration.topK ?? 0, $0.configuration.label,
        $0.source ?? ""
      )
        < (
          $1.configuration.kind.rawValue, $1.configuration.topK ?? 0, $1.configuration.label,
          $1.source ?? ""
        )
    }
  }

  /// Reads every result under `paths`: `study.json` files and the reference's study text
  /// files (`*_neuron.txt`), given directly or found by walking folders recursively.
  /// Files that are neither are skipped when found by walking, but an error when named.
  public static func collect(paths: [URL]) throws -> [StudyResult] {
    var results: [StudyResult] = []
    let fm = FileManager.default
    for path in paths {
      var isFolder: ObjCBool = false
      guard fm.fileExists(atPath: path.path, isDirectory: &isFolder) else {
        throw ExperimentsError.missing(path: path.path, what: "the report input")
      }
      if !isFolder.boolValue {
        guard let result = try read(path) else {
          throw ExperimentsError.malformed(
            file: path.path, place: "file name",
            expected: "study.json or a reference study file (*_neuron.txt)",
            found: "'\(path.lastPathComponent)'")
        }
        results.append(result)
        continue
      }
      let walker = fm.enumerator(at: path, includingPropertiesForKeys: nil)
      var files: [URL] = []
      while let url = walker?.nextObject() as? URL { files.append(url) }
      // A study folder holds both study.json and the reference text of the same study;
      // study.json has everything, so the text beside it is not read again.
      let withJSON = Set(
        files.filter { $0.lastPathComponent == StudyResult.fileName }
          .map { $0.deletingLastPathComponent().standardizedFileURL.path })
      for url in files.sorted(by: { $0.path < $1.path }) {
        let folder = url.deletingLastPathComponent().standardizedFileURL.path
        if url.lastPathComponent != StudyResult.fileName && withJSON.contains(folder) { continue }
        if let result = try read(url) { results.append(result) }
      }
    }
    return results
  }

  private static func read(_ url: URL) throws -> StudyResult? {
    let name = url.lastPathComponent
    if name == StudyResult.fileName { return try StudyResult.read(from: url) }
    if name.hasSuffix("_neuron.txt"), !name.hasPrefix(AtomicFile.temporaryPrefix) {
      return try ReferenceStudyText.read(from: url)
    }
    return nil
  }

  /// The report in `format`.
  public func render(_ format: ReportFormat) throws -> String {
    switch format {
    case .markdown: return markdown
    case .csv: return csv
    case .json:
      return String(decoding: try makeJSONEncoder().encode(summaries), as: UTF8.self) + "\n"
    }
  }

  /// The drop-versus-top-k figure for each (kind, mode, std/rewind, dataset) family with
  /// at least one top-k result, keyed by a file-name-safe family name.
  public var dropFigures: [(name: String, svg: String)] {
    var families: [String: [StudySummary]] = [:]
    var order: [String] = []
    for summary in summaries where summary.configuration.topK != nil {
      var c = summary.configuration
      c.topK = nil
      let key = SweepConfiguration.folderSafe(
        "drop_" + c.label.replacingOccurrences(of: " ", with: "_")
          + (c.dataset.map { "_" + $0 } ?? ""))
      if families[key] == nil { order.append(key) }
      families[key, default: []].append(summary)
    }
    return order.compactMap { key in
      // One summary per k: the first found (several sources of one k would be ambiguous).
      var byK: [Int: StudySummary] = [:]
      for s in families[key]! where byK[s.configuration.topK!] == nil {
        byK[s.configuration.topK!] = s
      }
      return Figures.dropVersusTopK(Array(byK.values)).map { (key, $0) }
    }
  }

  // MARK: Markdown

  private var markdown: String {
    var out = "# Study report\n\n"
    out += "Mean ± std over the modified runs; std is the sample standard deviation (n-1),"
    out += " shown as – for a single run. Change = mean - baseline (negative: the"
    out += " modification hurt the group). Minority groups (the two with the fewest training"
    out += " samples) are marked *. Worst group after = the lowest of the per-group means.\n"
    out += overview
    for summary in summaries {
      let c = summary.configuration
      out += "\n## \(c.label)\n"
      var facts: [String] = []
      if let d = c.dataset { facts.append("dataset \(d)") }
      if let s = c.split { facts.append("runs on \(s)") }
      if let b = c.baselineSplit { facts.append("baseline on \(b)") }
      if let s = summary.source { facts.append("source `\(s)`") }
      if !facts.isEmpty { out += "\n" + facts.joined(separator: ", ") + "\n" }
      for section in summary.sections {
        if let g = section.targetGroup {
          let name = section.groups.first { $0.group == g }?.name ?? "group \(g)"
          out += "\n### Neurons from the worst samples of group \(g) (\(name))\n"
        }
        if !section.neurons.isEmpty {
          let neurons = section.neurons.map {
            "`\($0.name)`[\($0.index)] (\(String(format: "%.6g", $0.value)))"
          }
          out += "\nNeurons: " + neurons.joined(separator: ", ") + "\n"
        }
        out += "\n" + table(section)
      }
    }
    return out
  }

  /// One row per configuration and section: worst group before and after, and the mean
  /// change of the minority and of the other groups.
  private var overview: String {
    guard summaries.count > 1 else { return "" }
    var out = "\n| configuration | dataset | runs | worst before | worst after"
    out += " | minority change | majority change |\n|---|---|---:|---:|---:|---:|---:|\n"
    for summary in summaries {
      for section in summary.sections {
        var label = summary.configuration.label
        if let g = section.targetGroup { label += " (group \(g) samples)" }
        let minority = section.groups.filter(\.isMinority).map(\.change)
        let majority = section.groups.filter { !$0.isMinority }.map(\.change)
        func mean(_ values: [Double]) -> String {
          values.isEmpty ? "–" : signed(values.reduce(0, +) / Double(values.count))
        }
        out += "| \(label) | \(summary.configuration.dataset ?? "") | \(section.runCount)"
        out += " | \(f4(section.worstGroupBefore)) | \(f4(section.worstGroupAfter))"
        out += " | \(mean(minority)) | \(mean(majority)) |\n"
      }
    }
    return out
  }

  private func table(_ section: SectionSummary) -> String {
    var out = "| group | train n | baseline | mean ± std (\(section.runCount) runs) | change |\n"
    out += "|---|---:|---:|---:|---:|\n"
    for g in section.groups {
      let name = g.name + (g.isMinority ? " *" : "")
      out += "| \(name) | \(g.trainingCount.map(String.init) ?? "") | \(f4(g.baseline))"
      out += " | \(f4(g.mean)) ± \(g.standardDeviation.map(f4) ?? "–") | \(signed(g.change)) |\n"
    }
    func name(_ group: Int) -> String { section.groups.first { $0.group == group }?.name ?? "–" }
    out +=
      "| worst group | | \(f4(section.worstGroupBefore)) (\(name(section.worstGroupIndexBefore)))"
    out += " | \(f4(section.worstGroupAfter)) (\(name(section.worstGroupIndexAfter)))"
    out += " | \(signed(section.worstGroupAfter - section.worstGroupBefore)) |\n"
    out += "| mean over groups | | \(f4(section.meanGroupBefore)) | \(f4(section.meanGroupAfter))"
    out += " | \(signed(section.meanGroupAfter - section.meanGroupBefore)) |\n"
    if let before = section.weightedBefore, let after = section.weightedAfter {
      out += "| weighted by training counts | | \(f4(before)) | \(f4(after))"
      out += " | \(signed(after - before)) |\n"
    }
    return out
  }

  // MARK: CSV

  private var csv: String {
    var rows = [
      [
        "configuration", "kind", "mode", "top_k", "percentage", "smallest", "noise_std",
        "rewind_epochs", "dataset", "split", "source", "target_group", "group", "name",
        "training_count", "minority", "baseline", "mean", "std", "change", "runs",
      ]
    ]
    for summary in summaries {
      let c = summary.configuration
      for section in summary.sections {
        for g in section.groups {
          rows.append([
            c.label, c.kind.rawValue, c.mode.rawValue, c.topK.map(String.init) ?? "",
            c.percentage.map(PythonFloat.repr) ?? "",
            c.kind == .threshold ? String(c.smallest) : "",
            PythonFloat.repr(c.noiseStd), String(c.rewindEpochs), c.dataset ?? "", c.split ?? "",
            summary.source ?? "", section.targetGroup.map(String.init) ?? "", String(g.group),
            g.name, g.trainingCount.map(String.init) ?? "", String(g.isMinority),
            PythonFloat.repr(g.baseline), PythonFloat.repr(g.mean),
            g.standardDeviation.map(PythonFloat.repr) ?? "", PythonFloat.repr(g.change),
            String(section.runCount),
          ])
        }
      }
    }
    return rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  private func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  private func f4(_ x: Double) -> String { PythonFloat.fixed(x, digits: 4) }

  private func signed(_ x: Double) -> String {
    x.isNaN ? "nan" : (x >= 0 ? "+" : "") + PythonFloat.fixed(x, digits: 4)
  }
}
