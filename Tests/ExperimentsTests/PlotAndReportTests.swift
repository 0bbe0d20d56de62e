import Foundation
import Neurons
import TestSupport
import Testing

@testable import Experiments

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Collects what an SVG document contains, failing on malformed XML.
final class SVGInspector: NSObject, XMLParserDelegate {
  var elements: [String: Int] = [:]
  var texts: [String] = []
  var ids: [String] = []
  private var current = ""

  static func inspect(_ svg: String) -> SVGInspector? {
    let inspector = SVGInspector()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = inspector
    return parser.parse() ? inspector : nil
  }

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    elements[name, default: 0] += 1
    if let id = attributes["id"] { ids.append(id) }
    current = ""
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    current += string
  }

  func parser(
    _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
  ) {
    if name == "text" || name == "title" { texts.append(current) }
    current = ""
  }
}

@Suite("Plots")
struct PlotTests {
  @Test("group-accuracy plot is well-formed SVG with one line per group plus the average")
  func groupAccuracyPlot() throws {
    let evolution = GroupAccuracyEvolution(
      groupAccuracies: [[0.5, 0.9, 0.95], [0.2, 0.4, 0.5], [0.1, .nan, 0.3], [0.6, 0.8, 0.9]],
      trainingCounts: [3498, 184, 56, 1057])
    let svg = Figures.groupAccuracy(evolution, groups: .waterbirds, split: "test")
    let inspector = try #require(SVGInspector.inspect(svg))
    #expect(inspector.elements["svg"] == 1)
    // Group 2 has a NaN in the middle: its line is drawn as two pieces.
    #expect(inspector.ids.filter { $0 == "series-2" }.count == 2)
    #expect(Set(inspector.ids) == ["series-0", "series-1", "series-2", "series-3", "series-4"])
    #expect(inspector.texts.contains("Water Bird on Land (n=642)"))
    #expect(inspector.texts.contains("average weighted by training counts"))
    #expect(inspector.texts.contains("epoch"))
    #expect(inspector.texts.contains("1.0"))
  }

  @Test("text is escaped: names with markup characters stay well-formed")
  func escaping() throws {
    let svg = LineChart(
      title: "a < b & \"c\"", xLabel: "x", yLabel: "y",
      series: [LineSeries(name: "<g>&'", x: [0, 1], y: [1, 2])]
    ).svg
    let inspector = try #require(SVGInspector.inspect(svg))
    #expect(inspector.texts.contains("a < b & \"c\""))
    #expect(inspector.texts.contains("<g>&'"))
  }

  @Test("drop-versus-top-k figure has one bar per group and k, minorities marked")
  func dropFigure() throws {
    let summaries = [1, 2, 3].map { k in
      StudySummary(
        StudyResult(
          configuration: StudyConfiguration(kind: .largest, mode: .zero, topK: k),
          groupNames: DatasetGroups.waterbirds.names, trainingCounts: [3498, 184, 56, 1057],
          baseline: [1, 0.99, 0.89, 0.98],
          sections: [StudySection(runs: [[1, 0.9, 0.7 - 0.1 * Double(k), 0.97]])]))
    }
    let svg = try #require(Figures.dropVersusTopK(summaries))
    let inspector = try #require(SVGInspector.inspect(svg))
    let bars = inspector.texts.filter { $0.contains(", k=") }
    #expect(bars.count == 12)
    #expect(bars.contains("Water Bird on Land (n=56), minority, k=3: 0.4900"))
    #expect(inspector.texts.contains("Land Bird on Water (n=184), minority"))
    #expect(inspector.texts.contains("k=2"))
  }

  @Test("nice ticks cover the range with 1-2-5 steps")
  func ticks() {
    #expect(niceTicks(low: 0, high: 1) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    #expect(niceTicks(low: 0, high: 100).count >= 5)
    #expect(niceTicks(low: 3, high: 3).count >= 2)
  }
}

@Suite("Report")
struct ReportTests {
  func makeInputs() throws -> URL {
    let root = Fixtures.temporaryDirectory("report")
    // A reference file in a folder named like the reference's output folder.
    let referenceFolder = root.appendingPathComponent(
      "resnet50_waterbirds_train_group_unbalanced_erm")
    try FileManager.default.createDirectory(at: referenceFolder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: Fixtures.url(
        "experiments/zero_poorest_random_batch200_global_top1_most_activated_neuron.txt"),
      to: referenceFolder.appendingPathComponent(
        "zero_poorest_random_batch200_global_top1_most_activated_neuron.txt"))
    try "not a study".write(
      to: referenceFolder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    // Our own study.json in a run folder.
    let run = try RunDirectory.create(at: root.appendingPathComponent("run-1"), force: false)
    let result = StudyResult(
      configuration: StudyConfiguration(
        kind: .largest, mode: .randomInit, topK: 1, noiseStd: 0.02, dataset: "waterbirds",
        split: "test", baselineSplit: "test"),
      groupNames: DatasetGroups.waterbirds.names, trainingCounts: [3498, 184, 56, 1057],
      baseline: [1, 0.9891, 0.8929, 0.9858],
      sections: [
        StudySection(
          neurons: [ChosenNeuron(name: "conv1.weight", index: 28, value: 4.643474578857422)],
          runs: [[0.9987, 0.8208, 0.6371, 0.9315], [0.9956, 0.8102, 0.6371, 0.9299]])
      ])
    try result.write(to: run)
    return root
  }

  @Test("collects study.json and reference files recursively, skipping other files")
  func collect() throws {
    let results = try Report.collect(paths: [try makeInputs()])
    #expect(results.count == 2)
    let activated = try #require(results.first { $0.configuration.kind == .activated })
    #expect(activated.configuration.dataset == "waterbirds")
    #expect(activated.configuration.split == "train")
    #expect(activated.sections.count == 4)
    #expect(activated.trainingCounts == [3498, 184, 56, 1057])
  }

  @Test("markdown, CSV and JSON carry the same figures")
  func formats() throws {
    let report = Report(results: try Report.collect(paths: [try makeInputs()]))
    let markdown = try report.render(.markdown)
    #expect(markdown.contains("## largest random_init top-1 std 0.02"))
    #expect(
      markdown.contains("| Water Bird on Land * | 56 | 0.8929 | 0.6371 ± 0.0000 | -0.2558 |"))
    #expect(
      markdown.contains("| Land Bird on Water * | 184 | 0.9891 | 0.8155 ± 0.0075 | -0.1736 |"))
    #expect(
      markdown.contains("### Neurons from the worst samples of group 3 (Water Bird on Water)"))
    #expect(
      markdown.contains(
        "| worst group | | 0.8929 (Water Bird on Land) | 0.6371 (Water Bird on Land)"))

    let csv = try report.render(.csv)
    let lines = csv.split(separator: "\n")
    #expect(lines.count == 1 + 4 * 4 + 4)
    #expect(lines[0].hasPrefix("configuration,kind,mode,top_k"))

    let json = try report.render(.json)
    let decoded = try JSONDecoder().decode([StudySummary].self, from: Data(json.utf8))
    #expect(decoded == report.summaries)

    let figures = report.dropFigures
    #expect(figures.count == 2)
    for figure in figures { #expect(SVGInspector.inspect(figure.svg) != nil) }
  }

  @Test("a study.json whose runs do not match the baseline is rejected, not summarised")
  func ragged() throws {
    let run = try RunDirectory.create(at: Fixtures.temporaryDirectory("ragged"), force: false)
    let result = StudyResult(
      configuration: StudyConfiguration(kind: .largest, mode: .zero, topK: 1),
      groupNames: ["a", "b"], baseline: [1, 1], sections: [StudySection(runs: [[1]])])
    try result.write(to: run)
    let url = run.file(StudyResult.fileName)
    #expect(
      throws: ExperimentsError.malformed(
        file: url.path, place: "sections.0.runs.0", expected: "2 accuracies like the baseline",
        found: "1")
    ) { try Report.collect(paths: [run.url]) }
  }

  @Test("a named file that is not a study is an error naming it")
  func badInput() throws {
    let root = Fixtures.temporaryDirectory("report-bad")
    let file = root.appendingPathComponent("notes.txt")
    try "x".write(to: file, atomically: true, encoding: .utf8)
    #expect(throws: ExperimentsError.self) { try Report.collect(paths: [file]) }
    #expect(throws: ExperimentsError.missing(path: root.path + "/none", what: "the report input")) {
      try Report.collect(paths: [root.appendingPathComponent("none")])
    }
  }
}

@Suite("JSONParser")
struct JSONParserTests {
  @Test("keeps member order and number text")
  func order() throws {
    let value = try JSONParser.parse(#"{"b": 1e-5, "a": [true, null, "x\n\u00e9"]}"#, source: "t")
    guard case .object(let members) = value else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.0) == ["b", "a"])
    #expect(members[0].1 == .number("1e-5"))
    #expect(members[1].1 == .array([.bool(true), .null, .string("x\né")]))
    #expect(value.pythonJSONText == #"{"b": 1e-5, "a": [true, null, "x\né"]}"#)
  }

  @Test(
    "errors give line and column",
    arguments: [
      ("{\"a\": }", "line 1, column 7"), ("[1,\n 2", "line 2, column 3"),
      ("{\"a\": 1} x", "line 1, column 10"),
      ("{\"a\": 1, \"a\": 2}", "line 1, column 13"), ("[01.]", "line 1, column 5"),
    ])
  func errors(text: String, place: String) {
    do {
      _ = try JSONParser.parse(text, source: "t.json")
      Issue.record("expected an error")
    } catch let ExperimentsError.malformed(file, actualPlace, _, _) {
      #expect(file == "t.json")
      #expect(actualPlace == place)
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}
