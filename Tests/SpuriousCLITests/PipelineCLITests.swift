import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// End to end through the built binary: `--resume` after a real SIGKILL continues to the
/// same bits as an uninterrupted run, and bad input fails with exact messages.
@Suite("spurious pipeline commands", .serialized)
struct PipelineCLITests {
  /// A tiny synthetic data folder (64 / 8 / 8 images of 32 pixels), made once.
  static let data: String = {
    let folder = Fixtures.temporaryDirectory("pipeline-cli-data").path + "/synth"
    let outcome = try! CommandRunner.run([
      "synth", "--out", folder, "--train-size", "64", "--val-size", "8", "--test-size", "8",
      "--resolution", "32", "--seed", "4", "--threads", "2",
    ])
    precondition(outcome.status == 0, "synth failed: \(outcome)")
    return folder
  }()

  static func pretrain(out: String) -> [String] {
    [
      "pretrain", "--dataset", "folder", "--data", data, "--arch", "resnet_mini",
      "--from-scratch", "--resolution", "32", "--epochs", "3", "--batch-size", "16",
      "--lr", "1e-3", "--threads", "2", "--seed", "5", "--out", out,
    ]
  }

  static func pruneFinetune(checkpoint: String, out: String) -> [String] {
    [
      "prune-finetune", "--checkpoint", checkpoint, "--dataset", "folder", "--data", data,
      "--epochs", "2", "--batch-size", "16", "--prune-percent", "0.05", "--threads", "2",
      "--seed", "5", "--out", out,
    ]
  }

  /// Starts `spurious arguments`, waits until `file` exists, then kills it with SIGKILL.
  /// Returns whether the process was still running when killed.
  static func runAndKill(_ arguments: [String], when file: String) throws -> Bool {
    let process = Process()
    process.executableURL = try CommandRunner.executableURL()
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    while !FileManager.default.fileExists(atPath: file) && process.isRunning {
      usleep(2_000)
    }
    let wasRunning = process.isRunning
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return wasRunning && process.terminationReason == .uncaughtSignal
  }

  /// The tensors of a safetensors file as (dtype, shape, raw bytes) by name, so that two
  /// files compare bit for bit whatever order their headers list things in.
  static func rawTensors(_ path: String) throws -> [String: String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    let header =
      try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + length)) as! [String: Any]
    var result: [String: String] = [:]
    for (name, value) in header where name != "__metadata__" {
      let entry = value as! [String: Any]
      let offsets = entry["data_offsets"] as! [Int]
      let bytes = data.subdata(in: 8 + length + offsets[0]..<8 + length + offsets[1])
      result[name] = "\(entry["dtype"]!) \(entry["shape"]!) \(bytes.base64EncodedString())"
    }
    return result
  }

  static func file(_ folder: String, _ name: String) -> String { folder + "/" + name }

  /// Checkpoints, metrics and named extra files of two run folders are identical.
  static func expectSameRuns(_ a: String, _ b: String, epochs: Int, extra: [String] = []) throws {
    for epoch in 0..<epochs {
      let name = "epoch_\(epoch).safetensors"
      let (ta, tb) = (try rawTensors(file(a, name)), try rawTensors(file(b, name)))
      #expect(ta.count == tb.count && !ta.isEmpty, "\(name)")
      for (key, value) in ta { #expect(tb[key] == value, "\(name): \(key) differs") }
    }
    for name in ["metrics.jsonl"] + extra {
      let da = try Data(contentsOf: URL(fileURLWithPath: file(a, name)))
      let db = try Data(contentsOf: URL(fileURLWithPath: file(b, name)))
      #expect(da == db, "\(name) differs")
    }
  }

  @Test("pretrain --resume after SIGKILL ends bit-identical to an uninterrupted run")
  func pretrainResumeAfterKill() throws {
    let root = Fixtures.temporaryDirectory("pipeline-resume").path
    let (a, b) = (root + "/a", root + "/b")
    let straight = try CommandRunner.run(Self.pretrain(out: a))
    #expect(straight.status == 0, "\(straight)")

    let killed = try Self.runAndKill(
      Self.pretrain(out: b), when: Self.file(b, "epoch_0.safetensors"))
    #expect(killed, "the run ended before it could be killed")
    #expect(!FileManager.default.fileExists(atPath: Self.file(b, "epoch_2.safetensors")))
    let resumed = try CommandRunner.run(Self.pretrain(out: b) + ["--resume"])
    #expect(resumed.status == 0, "\(resumed)")
    try Self.expectSameRuns(
      a, b, epochs: 3,
      extra: [
        "training_loss_list.json", "group_accuracy_evolution_in_training_set.txt",
        "group_accuracy_evolution_in_validating_set.txt",
      ])

    // prune-finetune from A's last checkpoint, the same way.
    let checkpoint = Self.file(a, "epoch_2.safetensors")
    let (c, d) = (root + "/c", root + "/d")
    let tuned = try CommandRunner.run(Self.pruneFinetune(checkpoint: checkpoint, out: c))
    #expect(tuned.status == 0, "\(tuned)")
    let killedTuning = try Self.runAndKill(
      Self.pruneFinetune(checkpoint: checkpoint, out: d),
      when: Self.file(d, "epoch_0.safetensors"))
    #expect(killedTuning, "the fine-tuning ended before it could be killed")
    let resumedTuning = try CommandRunner.run(
      Self.pruneFinetune(checkpoint: checkpoint, out: d) + ["--resume"])
    #expect(resumedTuning.status == 0, "\(resumedTuning)")
    try Self.expectSameRuns(
      c, d, epochs: 2,
      extra: [
        "training_loss_list.json", "training_ntxent_loss_list.json",
        "training_mse_loss_list.json", "pruned_neuron_module_dict_epoch1.json", "result.json",
      ])
    #expect(
      try Self.rawTensors(Self.file(c, "mask_epoch1.safetensors"))
        == (try Self.rawTensors(Self.file(d, "mask_epoch1.safetensors"))))
  }

  @Test("bad input: exact messages and exit statuses")
  func badInput() throws {
    let root = Fixtures.temporaryDirectory("pipeline-bad").path
    let missing = root + "/no-such-data"
    let missingData = try CommandRunner.run([
      "pretrain", "--dataset", "folder", "--data", missing, "--arch", "resnet_mini",
      "--from-scratch", "--epochs", "1", "--out", root + "/run1",
    ])
    #expect(
      missingData
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: \(missing): the dataset folder does not exist\n"))
    #expect(!FileManager.default.fileExists(atPath: root + "/run1"))

    let unknownArchitecture = try CommandRunner.run([
      "pretrain", "--dataset", "folder", "--data", Self.data, "--arch", "resnet_huge",
      "--from-scratch", "--epochs", "1", "--out", root + "/run2",
    ])
    #expect(
      unknownArchitecture
        == .init(
          status: 2, standardOutput: "",
          standardError: "error: 'resnet_huge' is not an architecture; choose one of resnet50, "
            + "deit_tiny, deit_small, deit_base, deit_large, resnet_mini\n"
            + "Run 'spurious pretrain --help' for usage.\n"))

    let run = root + "/erm"
    let trained = try CommandRunner.run(Self.pretrain(out: run).map { $0 == "3" ? "1" : $0 })
    #expect(trained.status == 0, "\(trained)")
    let checkpoint = run + "/epoch_0.safetensors"
    let otherArchitecture = try CommandRunner.run([
      "evaluate", "--checkpoint", checkpoint, "--arch", "deit_tiny", "--dataset", "folder",
      "--data", Self.data, "--split", "val",
    ])
    #expect(
      otherArchitecture
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: \(checkpoint): no 'head.*' classifier among its keys, so it is "
            + "not a deit_tiny checkpoint (first key: conv1.weight)\n"))

    let negativeEpochs = try CommandRunner.run([
      "prune-finetune", "--checkpoint", checkpoint, "--dataset", "folder", "--data", Self.data,
      "--epochs", "-2",
    ])
    #expect(
      negativeEpochs
        == .init(
          status: 2, standardOutput: "",
          standardError: "error: --epochs expects a non-negative integer, got '-2'\n"
            + "Run 'spurious prune-finetune --help' for usage.\n"))

    let missingCheckpoint = try CommandRunner.run([
      "evaluate", "--checkpoint", run + "/nope.safetensors", "--dataset", "folder", "--data",
      Self.data,
    ])
    #expect(
      missingCheckpoint
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: \(run)/nope.safetensors: cannot open: No such file or directory\n")
    )
  }
}
