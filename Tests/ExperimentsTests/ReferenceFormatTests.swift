import Foundation
import Neurons
import TestSupport
import Testing

@testable import Experiments

/// The inputs of the golden files written by scripts/make_experiments_fixtures.py.
struct GoldenInputs: Decodable {
  var labels: [Int]
  var groups: [Int]
  var outputs: [[Float]]
  var training_counts: [Int]
  var baseline_correct: [Int]
  var run_correct: [[Int]]
  var neurons: [[JSONValue]]
  var losses: [Double]
  var fractions: [[JSONValue]]

  static func load() throws -> GoldenInputs {
    try JSONDecoder().decode(
      GoldenInputs.self, from: Data(contentsOf: Fixtures.url("experiments/inputs.json")))
  }

  static func golden(_ name: String) throws -> String {
    try String(contentsOf: Fixtures.url("experiments/\(name)"), encoding: .utf8)
  }

  static let counts = [3498, 184, 56, 1057]

  func accuracies(_ correct: [Int]) -> [Double] {
    zip(correct, GoldenInputs.counts).map { Double($0) / Double($1) }
  }

  var chosenNeurons: [ChosenNeuron] {
    neurons.map { fields in
      guard case .string(let name) = fields[0], case .number(let i) = fields[1],
        case .number(let v) = fields[2]
      else { return ChosenNeuron(name: "?", index: -1, value: .nan) }
      return ChosenNeuron(name: name, index: Int(i)!, value: Double(v)!)
    }
  }
}

@Suite("Reference formats (golden files from the reference's format strings)")
struct ReferenceFormatTests {
  @Test("group accuracy evolution file is byte-identical to the reference's")
  func evolutionGolden() throws {
    let inputs = try GoldenInputs.load()
    let epochs = inputs.outputs.map {
      GroupMetrics(
        outputs: $0, labels: inputs.labels, groups: inputs.groups,
        trainingCounts: inputs.training_counts)
    }
    let evolution = GroupAccuracyEvolution(epochs: epochs, trainingCounts: inputs.training_counts)
    let golden = try GoldenInputs.golden("group_accuracy_evolution_in_testing_set.txt")
    #expect(evolution.referenceText == golden)
    #expect(
      GroupAccuracyEvolution.fileName(.testing) == "group_accuracy_evolution_in_testing_set.txt")

    let parsed = try GroupAccuracyEvolution.parse(golden, source: "golden")
    #expect(parsed.groupAccuracies.count == 4)
    #expect(parsed.average.count == 3)
    #expect(parsed.referenceText == golden)
  }

  @Test("largest study file (random_init, 3 runs) is byte-identical and parses back")
  func largestGolden() throws {
    let inputs = try GoldenInputs.load()
    let configuration = StudyConfiguration(
      kind: .largest, mode: .randomInit, topK: 2, noiseStd: 0.02)
    #expect(configuration.referenceFileName == "random_init_std0.02_global_top2_largest_neuron.txt")
    let result = StudyResult(
      configuration: configuration, groupNames: DatasetGroups.waterbirds.names,
      baseline: inputs.accuracies(inputs.baseline_correct),
      sections: [
        StudySection(neurons: inputs.chosenNeurons, runs: inputs.run_correct.map(inputs.accuracies))
      ])
    let golden = try GoldenInputs.golden(configuration.referenceFileName)
    #expect(result.referenceText == golden)

    let parsed = try ReferenceStudyText.parse(golden, source: "golden")
    #expect(parsed.sections.count == 1)
    #expect(parsed.sections[0].neurons == inputs.chosenNeurons)
    #expect(parsed.sections[0].runs.count == 3)
    #expect(abs(parsed.baseline[1] - 182.0 / 184.0) < 5e-9)
  }

  @Test("activated study file (4 target groups, blank lines) is byte-identical and parses back")
  func activatedGolden() throws {
    let inputs = try GoldenInputs.load()
    let configuration = StudyConfiguration(kind: .activated, mode: .zero, topK: 1)
    let name = configuration.referenceFileName
    #expect(name == "zero_poorest_random_batch200_global_top1_most_activated_neuron.txt")
    let runs = inputs.run_correct.map(inputs.accuracies)
    let sections = (0..<4).map { g in
      StudySection(
        targetGroup: g,
        neurons: [
          ChosenNeuron(
            name: "layer\(g + 1).0.conv2.weight", index: g * 7,
            value: Double(Float(0.1 * Double(g + 1))))
        ],
        runs: [runs[g % 3]])
    }
    let result = StudyResult(
      configuration: configuration, groupNames: DatasetGroups.waterbirds.names,
      baseline: inputs.accuracies(inputs.baseline_correct), sections: sections)
    let golden = try GoldenInputs.golden(name)
    #expect(result.referenceText == golden)

    let parsed = try ReferenceStudyText.parse(golden, source: "golden")
    #expect(parsed.sections.map(\.targetGroup) == [0, 1, 2, 3])
    #expect(parsed.sections.map(\.neurons.count) == [1, 1, 1, 1])
    #expect(parsed.sections[3].neurons[0].value == Double(Float(0.4)))
  }

  @Test("threshold study file (no neuron lines) is byte-identical and its name parses")
  func thresholdGolden() throws {
    let inputs = try GoldenInputs.load()
    let configuration = StudyConfiguration(
      kind: .threshold, mode: .randomNoise, percentage: 1e-05, smallest: true, noiseStd: 0.005)
    let name = configuration.referenceFileName
    #expect(name == "random_noise_1e-05_std0.005_global_smallest_neuron.txt")
    let result = StudyResult(
      configuration: configuration, groupNames: DatasetGroups.waterbirds.names,
      baseline: inputs.accuracies(inputs.baseline_correct),
      sections: [StudySection(runs: inputs.run_correct.prefix(2).map(inputs.accuracies))])
    #expect(result.referenceText == (try GoldenInputs.golden(name)))
    #expect(StudyConfiguration.parse(referenceFileName: name) == configuration)
  }

  @Test("loss list and pruned-module JSON match Python's json.dump")
  func jsonGolden() throws {
    let inputs = try GoldenInputs.load()
    #expect(
      ReferenceJSON.floatList(inputs.losses) == (try GoldenInputs.golden("training_loss_list.json"))
    )
    let fractions = inputs.fractions.map { pair -> (name: String, fraction: Double) in
      guard case .string(let name) = pair[0], case .number(let v) = pair[1] else { return ("?", 0) }
      return (name, Double(v)!)
    }
    let golden = try GoldenInputs.golden(ReferenceJSON.prunedModuleFileName(epoch: 3))
    #expect(ReferenceJSON.prunedModuleDictionary(fractions) == golden)

    let back = try ReferenceJSON.parsePrunedModuleDictionary(golden, source: "golden")
    #expect(back.map(\.name) == fractions.map(\.name))
    #expect(back.map(\.fraction) == [0.0123, 0.3333, 0.0, 1.0])
    #expect(try ReferenceJSON.parseFloatList("[1.5, NaN, -Infinity]", source: "x").count == 3)
    #expect(ReferenceJSON.floatList([.nan, .infinity, 2]) == "[NaN, Infinity, 2.0]")
  }

  @Test("the README example reproduces REFERENCE.md 6: column means and baseline minus mean")
  func readmeExample() throws {
    let text = """
      1.0000, 0.9891, 0.8929, 0.9858
      modified neurons name, index and value
      conv1.weight, 28, 4.643474578857422
      0.9987, 0.8208, 0.6371, 0.9315
      0.9956, 0.8102, 0.6371, 0.9299
      0.9969, 0.8111, 0.6604, 0.9299
      0.9973, 0.8067, 0.6449, 0.9315
      0.9965, 0.8018, 0.6589, 0.9408
      0.9973, 0.8129, 0.6402, 0.9268
      0.9969, 0.8137, 0.6262, 0.9252
      0.9987, 0.8151, 0.6324, 0.9283
      0.9965, 0.8049, 0.6121, 0.9221
      0.9987, 0.8262, 0.6386, 0.9283

      """
    let folder = Fixtures.temporaryDirectory("readme").appendingPathComponent(
      "resnet50_waterbirds_group_unbalanced_erm")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("random_init_std0.02_global_top1_largest_neuron.txt")
    try text.write(to: file, atomically: false, encoding: .utf8)

    let result = try ReferenceStudyText.read(from: file)
    #expect(result.configuration.kind == .largest)
    #expect(result.configuration.mode == .randomInit)
    #expect(result.configuration.topK == 1)
    #expect(result.configuration.noiseStd == 0.02)
    #expect(result.configuration.dataset == "waterbirds")
    #expect(
      result.sections[0].neurons == [
        ChosenNeuron(name: "conv1.weight", index: 28, value: 4.643474578857422)
      ])

    let summary = StudySummary(result)
    let groups = summary.sections[0].groups
    let means = [0.99731, 0.81234, 0.63879, 0.92943]
    let drops = [0.0027, 0.1768, 0.2541, 0.0564]
    for g in 0..<4 {
      #expect(abs(groups[g].mean - means[g]) < 1e-12)
      #expect(
        PythonFloat.fixed(groups[g].drop, digits: 4) == PythonFloat.fixed(drops[g], digits: 4))
    }
    #expect(summary.minorityGroups == [1, 2])
    #expect(summary.sections[0].worstGroupIndexBefore == 2)
    #expect(abs(summary.sections[0].worstGroupAfter - 0.63879) < 1e-12)
    // Sample std (n-1) of group 2's ten runs, computed by hand with numpy.std(ddof=1).
    #expect(abs(groups[2].standardDeviation! - 0.014252364326275458) < 1e-12)
  }

  @Test("malformed study files are rejected with the line and what was found")
  func malformedStudy() {
    #expect(throws: ExperimentsError.self) {
      try ReferenceStudyText.parse("hello\n", source: "a.txt")
    }
    do {
      _ = try ReferenceStudyText.parse(
        "1.0, 0.5\nmodified neurons name, index and value\n, 0.5, 0.5, 0.5\n", source: "a.txt")
      Issue.record("expected an error")
    } catch let error as ExperimentsError {
      #expect(
        error.description == "a.txt: line 3: expected 2 accuracies like the baseline, found 3")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}
