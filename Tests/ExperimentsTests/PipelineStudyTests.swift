import Datasets
import Foundation
import Models
import Neurons
import Tensor
import TestSupport
import Testing

@testable import Experiments

@Suite("StudyRunner end to end on the tiny run's checkpoint")
struct PipelineStudyTests {
  func study(
    _ configuration: StudyConfiguration, checkpoint: URL = PipelineTinyRun.checkpoint(1),
    runs: Int? = nil, seed: UInt64 = 0, onEvent: @escaping RunEventHandler = { _ in }
  ) throws -> (result: StudyResult, folder: URL) {
    let folder = Fixtures.temporaryDirectory("pipeline-study").appendingPathComponent("study")
    let result = try StudyRunner(
      .init(
        checkpoint: checkpoint, data: PipelineTinyRun.dataOptions, configuration: configuration,
        runs: runs, seed: seed, evaluationBatchSize: 16, output: folder),
      onEvent: onEvent
    ).run()
    return (result, folder)
  }

  /// The reference text file exists under its reference name and reads back as `result`
  /// (to its 8 decimals).
  func expectReferenceTextMatches(_ result: StudyResult, in folder: URL) throws {
    let url = folder.appendingPathComponent(result.configuration.referenceFileName)
    #expect(FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)")
    let parsed = try ReferenceStudyText.read(from: url)
    #expect(parsed.baseline.count == result.baseline.count)
    for (a, b) in zip(parsed.baseline, result.baseline) { #expect(abs(a - b) <= 5e-9) }
    #expect(parsed.sections.count == result.sections.count)
    for (p, r) in zip(parsed.sections, result.sections) {
      #expect(p.targetGroup == r.targetGroup)
      #expect(p.neurons.map(\.name) == r.neurons.map(\.name))
      #expect(p.neurons.map(\.index) == r.neurons.map(\.index))
      #expect(p.runs.count == r.runs.count)
      for (pr, rr) in zip(p.runs, r.runs) {
        #expect(pr.count == rr.count)
        for (a, b) in zip(pr, rr) where !b.isNaN { #expect(abs(a - b) <= 5e-9) }
      }
    }
    let json = try StudyResult.read(from: folder.appendingPathComponent(StudyResult.fileName))
    #expect(json.baseline == result.baseline)
    #expect(json.sections == result.sections)
  }

  /// Sets output channel `index` of `weight` to `values` (or zero).
  func setChannel(_ weight: Tensor, index: Int, from source: Tensor? = nil) {
    let per = weight.count / weight.shape[0]
    let replacement = source?.toArray()
    weight.withUnsafeMutableBufferPointer { w in
      for i in (index * per)..<((index + 1) * per) { w[i] = replacement?[i] ?? 0 }
    }
  }

  @Test("largest, zero, k 2: baseline, chosen neurons and zeroed evaluation check out")
  func largestZero() throws {
    let (result, folder) = try study(.init(kind: .largest, mode: .zero, topK: 2))
    try expectReferenceTextMatches(result, in: folder)

    let data = try ExperimentData(PipelineTinyRun.dataOptions)
    let (model, _) = try ModelFactory.fromCheckpoint(PipelineTinyRun.checkpoint(1))
    #expect(result.baseline == (try PipelineTinyRun.accuracies(model, split: .train, data: data)))

    let expected = try GreedySelection.topChannels(
      of: model.namedParameters(), k: 2, rule: .largestConvolutions)
    #expect(result.sections.count == 1)
    let chosen = result.sections[0].neurons
    #expect(chosen.map(\.name) == expected.map(\.parameter))
    #expect(chosen.map(\.index) == expected.map(\.index))
    #expect(chosen.count == 2)

    let parameters = Dictionary(
      uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
    for neuron in expected { setChannel(parameters[neuron.parameter]!, index: neuron.index) }
    #expect(result.sections[0].runs.count == 1)
    #expect(
      result.sections[0].runs[0]
        == (try PipelineTinyRun.accuracies(model, split: .train, data: data)))
  }

  @Test("largest, rewind 1 epoch: the channels come from epoch_0's weights")
  func largestRewind() throws {
    let (result, _) = try study(.init(kind: .largest, mode: .rewind, topK: 2, rewindEpochs: 1))
    let data = try ExperimentData(PipelineTinyRun.dataOptions)
    let (model, _) = try ModelFactory.fromCheckpoint(PipelineTinyRun.checkpoint(1))
    let (earlier, _) = try ModelFactory.fromCheckpoint(PipelineTinyRun.checkpoint(0))
    let parameters = Dictionary(
      uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
    let old = Dictionary(
      uniqueKeysWithValues: earlier.namedParameters().map { ($0.name, $0.tensor) })
    let chosen = result.sections[0].neurons
    #expect(chosen.count == 2)
    for neuron in chosen {
      // The earlier weights differ, so the rewind is not a no-op.
      #expect(parameters[neuron.name]!.toArray() != old[neuron.name]!.toArray())
      setChannel(parameters[neuron.name]!, index: neuron.index, from: old[neuron.name]!)
    }
    #expect(
      result.sections[0].runs
        == [try PipelineTinyRun.accuracies(model, split: .train, data: data)])
  }

  @Test("largest, random noise: the same seed gives the same runs")
  func randomIsSeeded() throws {
    let configuration = StudyConfiguration(kind: .largest, mode: .randomNoise, topK: 2, noiseStd: 1)
    let first = try study(configuration, runs: 2, seed: 11).result
    let second = try study(configuration, runs: 2, seed: 11).result
    #expect(first.sections == second.sections)
    #expect(first.baseline == second.baseline)
    #expect(first.sections[0].runs.count == 2)
  }

  @Test("every evaluation pass reports its image count and time: the baseline and each run")
  func passesAreTimed() throws {
    final class Notes: @unchecked Sendable {
      let lock = NSLock()
      var lines: [String] = []
      func add(_ line: String) { lock.withLock { lines.append(line) } }
    }
    let notes = Notes()
    let configuration = StudyConfiguration(kind: .largest, mode: .randomNoise, topK: 1, noiseStd: 1)
    _ = try study(configuration, runs: 2) { event in
      if case .note(let text) = event { notes.add(text) }
    }
    let count = PipelineTinyRun.trainSize
    let timed = notes.lines.filter { $0.hasPrefix("train: \(count) images in ") }
    #expect(timed.count == 3, "\(notes.lines)")
    #expect(timed.allSatisfy { $0.hasSuffix(" images/s)") })
  }

  @Test("activated, zero, k 1: one neuron per target group, text reads back")
  func activated() throws {
    let (result, folder) = try study(.init(kind: .activated, mode: .zero, topK: 1))
    try expectReferenceTextMatches(result, in: folder)
    #expect(!result.sections.isEmpty && result.sections.count <= 4)
    for section in result.sections {
      #expect(section.targetGroup != nil)
      #expect(section.neurons.count == 1)
      #expect(section.runs.count == 1)
    }
  }

  @Test("threshold, zero, 1%: text reads back and equals zeroing |w| >= threshold by hand")
  func threshold() throws {
    let (result, folder) = try study(.init(kind: .threshold, mode: .zero, percentage: 0.01))
    try expectReferenceTextMatches(result, in: folder)
    #expect(result.sections.count == 1)
    #expect(result.sections[0].runs.count == 1)

    // By hand: the threshold over the convolutions' |w| (largest 1%), then every
    // parameter's values at or above it zeroed (the reference's scope).
    let data = try ExperimentData(PipelineTinyRun.dataOptions)
    let (model, _) = try ModelFactory.fromCheckpoint(PipelineTinyRun.checkpoint(1))
    let prunable = StudyRunner.prunableWeights(model, architecture: .resnetMini)
    let threshold = try MagnitudeThreshold.threshold(
      of: prunable.map(\.tensor), fraction: 0.01, smallest: false)
    var zeroed = 0
    for (_, parameter) in model.namedParameters() {
      parameter.withUnsafeMutableBufferPointer { values in
        for i in values.indices where abs(values[i]) >= threshold {
          values[i] = 0
          zeroed += 1
        }
      }
    }
    let total = prunable.reduce(0) { $0 + $1.tensor.count }
    #expect(zeroed >= Int(0.01 * Double(total)))
    #expect(
      result.sections[0].runs[0]
        == (try PipelineTinyRun.accuracies(model, split: .train, data: data)))
  }
}
