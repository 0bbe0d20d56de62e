import Datasets
import Foundation
import Models
import TestSupport
import Testing

@testable import Experiments

@Suite("Pretrain end to end on the tiny synthetic set")
struct PipelinePretrainTests {
  @Test("a 2-epoch run writes every file the reference and the project promise")
  func files() throws {
    let folder = PipelineTinyRun.run.directory
    var expected = [
      "run.json", "metrics.jsonl", "epoch_0.safetensors", "epoch_1.safetensors",
      ReferenceJSON.trainingLossFileName, "loss.svg",
    ]
    for split in ReferenceSplit.allCases {
      expected.append(GroupAccuracyEvolution.fileName(split))
    }
    for split in ["train", "val", "test"] { expected.append("group_accuracy_\(split).svg") }
    for name in expected {
      #expect(
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path),
        "\(name) is missing")
    }
    #expect(PipelineTinyRun.run.outcome.epochsRun == 2)
    let record = try RunRecord.read(from: RunDirectory(url: folder))
    #expect(record.finished != nil)
  }

  @Test("metrics.jsonl: counts add up to each split, accuracy is correct / count")
  func metricsConsistent() throws {
    let folder = PipelineTinyRun.run.directory
    let records = try MetricsLog(url: folder.appendingPathComponent(MetricsLog.fileName)).read()
    let sizes = [
      "train": PipelineTinyRun.trainSize, "val": PipelineTinyRun.valSize,
      "test": PipelineTinyRun.testSize,
    ]
    for state in 0...2 {
      for (split, size) in sizes {
        let groups = records.filter { $0.epoch == state && $0.split == split && $0.group != nil }
        #expect(groups.map(\.group!).sorted() == [0, 1, 2, 3], "state \(state) \(split)")
        #expect(groups.reduce(0) { $0 + ($1.count ?? 0) } == size, "state \(state) \(split)")
        for group in groups where (group.count ?? 0) > 0 {
          #expect(group.accuracy == Double(group.correct!) / Double(group.count!))
        }
        let whole = records.filter { $0.epoch == state && $0.split == split && $0.group == nil }
        #expect(whole.count == 1, "state \(state) \(split)")
        #expect(whole.first?.count == size)
        #expect(whole.first?.correct == groups.reduce(0) { $0 + ($1.correct ?? 0) })
      }
    }
    let optimization = records.filter { $0.split == "optimization" }.sorted { $0.epoch < $1.epoch }
    #expect(optimization.map(\.epoch) == [1, 2])
    let lossText = try String(
      contentsOf: folder.appendingPathComponent(ReferenceJSON.trainingLossFileName),
      encoding: .utf8)
    let losses = try ReferenceJSON.parseFloatList(lossText, source: "loss list")
    #expect(losses == optimization.map { $0.loss! })
    #expect(losses.allSatisfy { $0.isFinite && $0 > 0 })
  }

  @Test("the evolution files hold the logged accuracies with the reference's row shift")
  func evolutionFiles() throws {
    let folder = PipelineTinyRun.run.directory
    let records = try MetricsLog(url: folder.appendingPathComponent(MetricsLog.fileName)).read()
    // Train and test rows are the states before each epoch (0, 1), validation after (1, 2).
    for (reference, split, states) in [
      (ReferenceSplit.training, "train", [0, 1]), (.testing, "test", [0, 1]),
      (.validating, "val", [1, 2]),
    ] {
      let evolution = try GroupAccuracyEvolution.read(
        from: folder.appendingPathComponent(GroupAccuracyEvolution.fileName(reference)))
      #expect(evolution.groupAccuracies.count == 4)
      for group in 0..<4 {
        let logged = states.map { state in
          records.first { $0.epoch == state && $0.split == split && $0.group == group }!
            .accuracy!
        }
        let written = evolution.groupAccuracies[group]
        #expect(written.count == logged.count, "\(split) group \(group)")
        for (w, l) in zip(written, logged) where !l.isNaN {
          // The file keeps 4 decimals.
          #expect(abs(w - l) <= 0.5e-4 + 1e-12, "\(split) group \(group): \(w) vs \(l)")
        }
      }
    }
  }

  @Test("evaluating the last checkpoint reproduces the last state's logged metrics")
  func lastCheckpointAgrees() throws {
    let (model, recipe) = try ModelFactory.fromCheckpoint(PipelineTinyRun.checkpoint(1))
    #expect(recipe.architecture == .resnetMini)
    #expect(recipe.resolution == PipelineTinyRun.resolution)
    let data = try ExperimentData(PipelineTinyRun.dataOptions)
    let records = try MetricsLog(
      url: PipelineTinyRun.run.directory.appendingPathComponent(MetricsLog.fileName)
    ).read()
    for split in [Split.train, .val, .test] {
      let metrics = try SplitEvaluator.predict(
        model, loader: data.evaluationLoader(split, batchSize: 16)
      ).metrics(trainingCounts: data.trainingCounts)
      for group in metrics.groups {
        let logged = records.first {
          $0.epoch == 2 && $0.split == split.description && $0.group == group.group
        }
        #expect(logged?.count == group.count, "\(split) group \(group.group)")
        #expect(logged?.correct == group.correct, "\(split) group \(group.group)")
      }
      #expect(PipelineTinyRun.run.outcome.finalMetrics[split] == metrics)
    }
  }

  @Test("an existing run folder is refused without --force, naming the folder")
  func refusesExistingRun() throws {
    let folder = PipelineTinyRun.run.directory
    let before = try Data(contentsOf: folder.appendingPathComponent(MetricsLog.fileName))
    #expect(throws: ExperimentsError.runExists(path: folder.path)) {
      try Pretrain(PipelineTinyRun.pretrainOptions(output: folder)).run()
    }
    #expect(
      ExperimentsError.runExists(path: folder.path).description
        == "\(folder.path): a run already exists in this folder; pass --force to replace it"
        + " or --resume to continue it")
    // Nothing was touched.
    #expect(try Data(contentsOf: folder.appendingPathComponent(MetricsLog.fileName)) == before)
  }

  /// A copy of the shared run folder, to resume without touching the original.
  func copyOfRun() throws -> URL {
    let copy = Fixtures.temporaryDirectory("pipeline-resume").appendingPathComponent("run")
    try FileManager.default.copyItem(at: PipelineTinyRun.run.directory, to: copy)
    return copy
  }

  @Test("--resume on a finished run trains nothing and reports the logged final state")
  func resumeFinished() throws {
    let copy = try copyOfRun()
    let metrics = copy.appendingPathComponent(MetricsLog.fileName)
    let before = try Data(contentsOf: metrics)
    var options = PipelineTinyRun.pretrainOptions(output: copy)
    options.resume = true
    let outcome = try Pretrain(options).run()
    #expect(outcome.epochsRun == 0)
    #expect(outcome.finalMetrics == PipelineTinyRun.run.outcome.finalMetrics)
    #expect(try Data(contentsOf: metrics) == before)
  }

  @Test("resuming with more epochs equals training that many epochs straight")
  func resumeExtends() throws {
    let copy = try copyOfRun()
    var options = PipelineTinyRun.pretrainOptions(output: copy, epochs: 3)
    options.resume = true
    #expect(try Pretrain(options).run().epochsRun == 1)
    let straight = Fixtures.temporaryDirectory("pipeline-straight").appendingPathComponent("run")
    _ = try Pretrain(PipelineTinyRun.pretrainOptions(output: straight, epochs: 3)).run()
    for name in [MetricsLog.fileName, ReferenceJSON.trainingLossFileName] {
      #expect(
        try Data(contentsOf: copy.appendingPathComponent(name))
          == Data(contentsOf: straight.appendingPathComponent(name)), "\(name)")
    }
    let resumed = try TrainingCheckpoint.read(
      from: copy.appendingPathComponent("epoch_2.safetensors"))
    let fresh = try TrainingCheckpoint.read(
      from: straight.appendingPathComponent("epoch_2.safetensors"))
    #expect(resumed.model.map(\.name) == fresh.model.map(\.name))
    for (a, b) in zip(resumed.model, fresh.model) {
      #expect(a.tensor.toArray() == b.tensor.toArray(), "\(a.name)")
    }
    #expect(resumed.optimizer.count == fresh.optimizer.count)
    for (a, b) in zip(resumed.optimizer, fresh.optimizer) {
      #expect(a.name == b.name && a.tensor.toArray() == b.tensor.toArray(), "\(a.name)")
    }
    #expect(resumed.scheduler == fresh.scheduler)
  }

  @Test("a stop request mid-epoch throws interrupted; --resume then ends as the straight run")
  func stopAndResume() throws {
    let folder = Fixtures.temporaryDirectory("pipeline-stop").appendingPathComponent("run")
    // 48 images in batches of 16: the 5th batch is the second of epoch 1.
    let batches = BatchCounter()
    #expect(throws: ExperimentsError.interrupted) {
      try Pretrain(
        PipelineTinyRun.pretrainOptions(output: folder),
        onEvent: { if case .batch = $0 { batches.add() } },
        shouldStop: { batches.count >= 5 }
      ).run()
    }
    let manager = FileManager.default
    #expect(manager.fileExists(atPath: folder.appendingPathComponent("epoch_0.safetensors").path))
    #expect(!manager.fileExists(atPath: folder.appendingPathComponent("epoch_1.safetensors").path))
    var options = PipelineTinyRun.pretrainOptions(output: folder)
    options.resume = true
    #expect(try Pretrain(options).run().epochsRun == 1)
    let straight = PipelineTinyRun.run.directory
    for name in [MetricsLog.fileName, ReferenceJSON.trainingLossFileName] {
      #expect(
        try Data(contentsOf: folder.appendingPathComponent(name))
          == Data(contentsOf: straight.appendingPathComponent(name)), "\(name)")
    }
    let resumed = try TrainingCheckpoint.read(
      from: folder.appendingPathComponent("epoch_1.safetensors"))
    let fresh = try TrainingCheckpoint.read(from: PipelineTinyRun.checkpoint(1))
    for (a, b) in zip(resumed.model, fresh.model) {
      #expect(a.name == b.name && a.tensor.toArray() == b.tensor.toArray(), "\(a.name)")
    }
  }
}

/// A thread-safe count of events.
final class BatchCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  func add() { lock.withLock { value += 1 } }
  var count: Int { lock.withLock { value } }
}
