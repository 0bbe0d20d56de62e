import Checkpoints
import Datasets
import Foundation
import Models
import Neurons
import Tensor
import TestSupport
import Testing

@testable import Experiments

@Suite("PruneFinetune end to end on the tiny run's checkpoint")
struct PipelinePruneFinetuneTests {
  static let fraction = 0.05

  /// Two fine-tuning epochs from the tiny ERM run's last checkpoint.
  static let run: (folder: URL, outcome: PruneFinetune.Outcome) = {
    let folder = Fixtures.temporaryDirectory("pipeline-pft").appendingPathComponent("run")
    let outcome = try! PruneFinetune(
      .init(
        checkpoint: PipelineTinyRun.checkpoint(1), data: PipelineTinyRun.dataOptions,
        pruneFraction: fraction, epochs: 2, batchSize: 16, evaluationBatchSize: 16, seed: 5,
        output: folder)
    ).run()
    return (folder, outcome)
  }()

  @Test("the run writes masks, module fractions, the three loss lists and result.json")
  func files() throws {
    let folder = Self.run.folder
    var names = [
      "run.json", "metrics.jsonl", "result.json", "epoch_0.safetensors", "epoch_1.safetensors",
      ReferenceJSON.trainingLossFileName, ReferenceJSON.ntxentLossFileName,
      ReferenceJSON.mseLossFileName,
    ]
    for epoch in 0..<2 {
      names.append(ReferenceJSON.prunedModuleFileName(epoch: epoch))
      names.append("mask_epoch\(epoch).safetensors")
    }
    for name in names {
      #expect(
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path),
        "\(name) is missing")
    }
    for name in [
      ReferenceJSON.trainingLossFileName, ReferenceJSON.ntxentLossFileName,
      ReferenceJSON.mseLossFileName,
    ] {
      let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      let values = try ReferenceJSON.parseFloatList(text, source: name)
      #expect(values.count == 2, "\(name)")
      #expect(values.allSatisfy { $0.isFinite && $0 > 0 }, "\(name)")
    }
    // Before, best validation worst-group, last.
    #expect(Self.run.outcome.summary.map(\.state).first == 0)
    #expect(Self.run.outcome.summary.last?.state == 2)
  }

  @Test("each epoch's masks are MagnitudeMask of the weights that epoch started from")
  func masksMatchMagnitudeMask() throws {
    let folder = Self.run.folder
    // Epoch 0 starts from the ERM checkpoint, epoch 1 from the run's epoch_0.
    let starts = [
      PipelineTinyRun.checkpoint(1), folder.appendingPathComponent("epoch_0.safetensors"),
    ]
    for (epoch, start) in starts.enumerated() {
      let (model, _) = try ModelFactory.fromCheckpoint(start)
      let prunable = StudyRunner.prunableWeights(model, architecture: .resnetMini)
      let expected = try MagnitudeMask(prunable: prunable, fraction: Self.fraction)
      let saved = StateDictBridge.tensors(
        of: try Checkpoint.load(
          contentsOf: folder.appendingPathComponent("mask_epoch\(epoch).safetensors")))
      #expect(saved.map(\.name) == expected.masks.map(\.name), "epoch \(epoch)")
      for (s, e) in zip(saved, expected.masks) {
        #expect(s.tensor.shape == e.tensor.shape, "\(s.name)")
        #expect(s.tensor.toArray() == e.tensor.toArray(), "epoch \(epoch) \(s.name)")
      }
      // Overall, about `fraction` of the prunable weights are masked.
      let total = prunable.reduce(0) { $0 + $1.tensor.count }
      let pruned = saved.reduce(0) { sum, entry in
        sum + entry.tensor.toArray().filter { $0 == 0 }.count
      }
      #expect(pruned >= Int((Self.fraction * Double(total)).rounded(.up)) - 1)
      #expect(Double(pruned) <= Self.fraction * Double(total) * 1.05 + 2)

      let name = ReferenceJSON.prunedModuleFileName(epoch: epoch)
      let dictionary = try ReferenceJSON.parsePrunedModuleDictionary(
        String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8), source: name)
      #expect(dictionary.map(\.name) == prunable.map(\.name))
      // The per-module fractions (4 decimals) weighted by module size give the overall one.
      let sizes = prunable.map { Double($0.tensor.count) }
      let weighted = zip(dictionary, sizes).reduce(0.0) { $0 + $1.0.fraction * $1.1 }
      #expect(abs(weighted / Double(total) - Double(pruned) / Double(total)) < 1e-4)
      #expect(abs(Double(pruned) / Double(total) - Self.fraction) < 0.01)
    }
  }

  @Test("the saved models are the unpruned networks and training changed them")
  func checkpointsAreUnpruned() throws {
    let (start, _) = try ModelFactory.fromCheckpoint(PipelineTinyRun.checkpoint(1))
    let (tuned, _) = try ModelFactory.fromCheckpoint(
      Self.run.folder.appendingPathComponent("epoch_1.safetensors"))
    let masks = StateDictBridge.tensors(
      of: try Checkpoint.load(
        contentsOf: Self.run.folder.appendingPathComponent("mask_epoch1.safetensors")))
    let tunedWeights = Dictionary(
      uniqueKeysWithValues: tuned.namedParameters().map { ($0.name, $0.tensor.toArray()) })
    let startWeights = Dictionary(
      uniqueKeysWithValues: start.namedParameters().map { ($0.name, $0.tensor.toArray()) })
    var maskedNonZero = 0
    for (name, mask) in masks {
      let weights = tunedWeights[name]!
      #expect(weights != startWeights[name]!, "\(name) did not change")
      for (w, m) in zip(weights, mask.toArray()) where m == 0 && w != 0 { maskedNonZero += 1 }
    }
    // Masks act in the forward pass only: masked weights keep their (non-zero) values.
    #expect(maskedNonZero > 0)
  }

  @Test("result.json: the before row is the ERM checkpoint's evaluation, last is epoch 2")
  func resultJSON() throws {
    let url = Self.run.folder.appendingPathComponent("result.json")
    let rows = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [[String: Any]]
    #expect(rows.count == Self.run.outcome.summary.count)
    #expect(rows.map { $0["state"] as? Int } == Self.run.outcome.summary.map(\.state))
    let data = try ExperimentData(PipelineTinyRun.dataOptions)
    let (erm, _) = try ModelFactory.fromCheckpoint(PipelineTinyRun.checkpoint(1))
    let (last, _) = try ModelFactory.fromCheckpoint(
      Self.run.folder.appendingPathComponent("epoch_1.safetensors"))
    for (row, model) in [(rows.first!, erm), (rows.last!, last)] {
      for split in [Split.val, .test] {
        let expected = try PipelineTinyRun.accuracies(model, split: split, data: data)
        let written = (row[split.description] as! [String: Any])["group_accuracies"] as! [Any]
        #expect(written.count == 4)
        for (w, e) in zip(written, expected) {
          if let value = w as? Double {
            #expect(value == e, "\(split)")
          } else {
            // An empty group: NaN, which JSON writes as a non-number.
            #expect(e.isNaN, "\(split): \(w)")
          }
        }
      }
    }
  }
}
