import Foundation
import Neurons
import TestSupport
import Testing

@testable import Experiments

@Suite("Run folders and files")
struct RunFilesTests {
  @Test("atomic write creates, replaces, and leaves no temporary file")
  func atomicWrite() throws {
    let folder = Fixtures.temporaryDirectory("atomic")
    let file = folder.appendingPathComponent("report.txt")
    try AtomicFile.write("first\n", to: file)
    try AtomicFile.write("second\n", to: file)
    #expect(try String(contentsOf: file, encoding: .utf8) == "second\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.txt"])
  }

  @Test("atomic write into a missing folder fails, naming the path, and leaves nothing")
  func atomicWriteFailure() throws {
    let folder = Fixtures.temporaryDirectory("atomic-fail")
    let file = folder.appendingPathComponent("missing/report.txt")
    #expect(throws: ExperimentsError.self) { try AtomicFile.write("x", to: file) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test("a non-empty run folder is refused without force and replaced with force")
  func refusal() throws {
    let root = Fixtures.temporaryDirectory("run")
    let url = root.appendingPathComponent("experiments/my-run")
    let run = try RunDirectory.create(at: url, force: false)
    try AtomicFile.write("old", to: run.file("stale.txt"))
    do {
      _ = try RunDirectory.create(at: url, force: false)
      Issue.record("expected runExists")
    } catch let error as ExperimentsError {
      #expect(error == .runExists(path: url.path))
      #expect(error.description.hasPrefix("\(url.path): a run already exists"))
    }
    let again = try RunDirectory.create(at: url, force: true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: again.url.path).isEmpty)
    // An existing empty folder is fine without force.
    _ = try RunDirectory.create(at: url, force: false)
  }

  @Test("resume point: the last epoch with all earlier checkpoints present")
  func lastCompleteEpoch() throws {
    let run = try RunDirectory.create(at: Fixtures.temporaryDirectory("resume"), force: false)
    #expect(run.lastCompleteEpoch() == nil)
    for e in [0, 1, 2, 4] {
      try AtomicFile.write("w", to: run.file(RunDirectory.checkpointName(epoch: e)))
    }
    try AtomicFile.write("w", to: run.file(".tmp-epoch_3.safetensors-1-abc"))
    try AtomicFile.write("w", to: run.file("epoch_x.safetensors"))
    #expect(run.checkpointEpochs() == [0, 1, 2, 4])
    #expect(run.lastCompleteEpoch() == 2)
    #expect(throws: ExperimentsError.self) {
      try RunDirectory.resume(at: run.url.appendingPathComponent("nope"))
    }
  }

  @Test("run.json round-trips with every field")
  func runRecord() throws {
    let run = try RunDirectory.create(at: Fixtures.temporaryDirectory("record"), force: false)
    let record = RunRecord(
      commandLine: ["spurious", "pretrain", "--epochs", "3"], command: "pretrain",
      settings: ["epochs": .int(3), "lr": .double(5e-06), "arch": .string("resnet50")],
      version: "0.1.0", seed: 7, datasetCounts: ["train": [3498, 184, 56, 1057]],
      started: Date(timeIntervalSince1970: 0))
    try record.write(to: run)
    let back = try RunRecord.read(from: run)
    #expect(back == record)
    #expect(back.started == "1970-01-01T00:00:00Z")
  }

  @Test("metrics log: resumed and truncated file equals the uninterrupted one")
  func metricsResume() throws {
    let metrics = GroupMetrics(
      outputs: [0.9, 0.1, 0.1, 0.9], labels: [1, 0], groups: [3, 0], trainingCounts: [1, 1, 1, 1])
    func epoch(_ e: Int) -> [MetricsRecord] {
      MetricsRecord.records(epoch: e, split: "test", metrics: metrics)
        + [MetricsRecord(epoch: e, split: "optimizer", loss: Double(e) + 0.5)]
    }
    let a = MetricsLog(
      url: Fixtures.temporaryDirectory("metrics-a").appendingPathComponent("metrics.jsonl"))
    for e in 0..<4 { try a.append(epoch(e)) }

    let b = MetricsLog(
      url: Fixtures.temporaryDirectory("metrics-b").appendingPathComponent("metrics.jsonl"))
    for e in 0..<3 { try b.append(epoch(e)) }
    // Killed during epoch 3's write: half a line at the end.
    let handle = try FileHandle(forWritingTo: b.url)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"epoch\":3,\"spl".utf8))
    try handle.close()
    #expect(try b.read().count == 3 * 6)
    // Resuming at epoch 2 (checkpoint of epoch 1 was the last one): cut, then redo 2, 3.
    try b.truncate(toEpochsBefore: 2)
    for e in 2..<4 { try b.append(epoch(e)) }
    #expect(try Data(contentsOf: a.url) == Data(contentsOf: b.url))
    let records = try a.read()
    #expect(records.count == 24)
    #expect(records[1].group == 1 && records[1].accuracy!.isNaN)
    #expect(records[4].group == nil && records[4].worstGroupAccuracy == 1)

    // Appending straight after a killed write (no truncate) drops the partial line.
    let c = MetricsLog(
      url: Fixtures.temporaryDirectory("metrics-c").appendingPathComponent("m.jsonl"))
    try c.append(epoch(0))
    let tail = try FileHandle(forWritingTo: c.url)
    try tail.seekToEnd()
    try tail.write(contentsOf: Data("{\"epo".utf8))
    try tail.close()
    try c.append(epoch(1))
    // (Records hold NaN accuracies, so compare bytes with a clean log, not values.)
    let d = MetricsLog(
      url: Fixtures.temporaryDirectory("metrics-d").appendingPathComponent("m.jsonl"))
    try d.append(epoch(0) + epoch(1))
    #expect(try Data(contentsOf: c.url) == Data(contentsOf: d.url))

    // The evolution file can be rebuilt from the log.
    let evolution = GroupAccuracyEvolution(
      records: records, split: "test", trainingCounts: [1, 1, 1, 1])
    #expect(evolution.groupAccuracies[0] == [1, 1, 1, 1])
    #expect(evolution.groupAccuracies[1].allSatisfy { $0.isNaN })
  }

  @Test("a malformed metrics line is reported with its line number")
  func metricsMalformed() throws {
    let url = Fixtures.temporaryDirectory("metrics-bad").appendingPathComponent("metrics.jsonl")
    try "{\"epoch\":0,\"split\":\"test\"}\nnot json\n".write(
      to: url, atomically: true, encoding: .utf8)
    do {
      _ = try MetricsLog(url: url).read()
      Issue.record("expected an error")
    } catch let ExperimentsError.malformed(file, _, _, _) {
      #expect(file == "\(url.path) line 2")
    }
  }
}

@Suite("StudyRecorder")
struct StudyRecorderTests {
  @Test("writes the reference file after each step and study.json only at the end")
  func recorder() throws {
    let run = try RunDirectory.create(at: Fixtures.temporaryDirectory("recorder"), force: false)
    let configuration = StudyConfiguration(kind: .activated, mode: .zero, topK: 1)
    var recorder = try StudyRecorder(
      directory: run, configuration: configuration, groups: .waterbirds,
      baseline: [1, 0.5, 0.25, 1])
    let file = run.file(configuration.referenceFileName)
    #expect(
      try String(contentsOf: file, encoding: .utf8)
        == "1.00000000, 0.50000000, 0.25000000, 1.00000000\n"
        + "modified neurons name, index and value\n")
    try recorder.beginSection(
      targetGroup: 2, neurons: [ChosenNeuron(name: "conv1.weight", index: 3, value: 0.5)])
    try recorder.addRun([1, 0.5, 0, 1])
    #expect(!FileManager.default.fileExists(atPath: run.file(StudyResult.fileName).path))
    try recorder.finish()

    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(
      text.hasSuffix(
        "conv1.weight, 3, 0.5\n"
          + "model modified based on gradient from loss with only group 2s samples\n"
          + ", 1.00000000, 0.50000000, 0.00000000, 1.00000000\n\n"))
    let back = try StudyResult.read(from: run.file(StudyResult.fileName))
    #expect(back.sections == recorder.result.sections)
    #expect(back.trainingCounts == [3498, 184, 56, 1057])
    #expect(try ReferenceStudyText.read(from: file).sections == back.sections)
  }
}
