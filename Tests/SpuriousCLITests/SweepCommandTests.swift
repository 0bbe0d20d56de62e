import Foundation
import TestSupport
import Testing

/// `spurious sweep` end to end on two tiny `study largest` configurations.
@Suite("spurious sweep") struct SweepCommandTests {
  /// A sweep of `study largest` with top-k 1 and 2 on the shared tiny model.
  static func sweepFile(in folder: URL, trained: CLIWorkspace.Trained) throws -> URL {
    let url = folder.appendingPathComponent("tiny.json")
    let text = """
      {"name": "tiny", "configurations": [
        {"command": "study largest", "grid": {"top-k": [1, 2]},
         "fixed": {"checkpoint": "\(trained.checkpoint.path)", "dataset": "folder",
                   "data": "\(trained.data.path)", "split": "test", "runs": 1,
                   "threads": 1}}]}
      """
    try Data(text.utf8).write(to: url)
    return url
  }

  @Test("two shards together run both configurations; a re-run skips both")
  func shardsAndRestart() throws {
    let trained = try CLIWorkspace.trained.get()
    let folder = CLIWorkspace.folder("sweep")
    let file = try Self.sweepFile(in: folder, trained: trained)
    let root = folder.appendingPathComponent("runs")
    let ids = ["top-k-1", "top-k-2"].map {
      "study-largest_dataset-folder_runs-1_split-test_threads-1_\($0)"
    }

    let dry = try CommandRunner.run(["sweep", file.path, "--out", root.path, "--dry-run"])
    #expect(dry.status == 0, "\(dry)")
    let planned = dry.standardOutput.split(separator: "\n")
    #expect(planned.count == 2)
    #expect(planned.allSatisfy { $0.hasPrefix("spurious study largest --checkpoint ") })
    #expect(!FileManager.default.fileExists(atPath: root.path))

    for shard in ["1/2", "2/2"] {
      let outcome = try CommandRunner.run(
        ["sweep", file.path, "--out", root.path, "--shard", shard])
      #expect(outcome.status == 0, "\(outcome)")
      #expect(outcome.standardOutput.contains("[1/1] done study-largest_"), "\(outcome)")
    }
    let folders = try FileManager.default.contentsOfDirectory(atPath: root.path)
      .filter { $0.hasPrefix("study-largest") }.sorted()
    #expect(folders.count == 2)
    for (name, id) in zip(folders, ids) {
      #expect(name.hasPrefix(id), "\(name)")
      let result = root.appendingPathComponent(name).appendingPathComponent("study.json")
      #expect(FileManager.default.fileExists(atPath: result.path))
    }

    let again = try CommandRunner.run(["sweep", file.path, "--out", root.path])
    #expect(again.status == 0, "\(again)")
    let lines = again.standardOutput.split(separator: "\n").map(String.init)
    #expect(
      lines
        == folders.enumerated().map {
          "[\($0.offset + 1)/2] skipped \($0.element): result already present"
        })
    let log = try String(
      contentsOf: root.appendingPathComponent("sweep-log.jsonl"), encoding: .utf8)
    #expect(log.split(separator: "\n").count == 6)  // 2 x (started, done) + 2 skipped
  }

  @Test("three configurations run as two shards report exactly as an unsharded run")
  func shardedReportEqualsUnsharded() throws {
    let trained = try CLIWorkspace.trained.get()
    let folder = CLIWorkspace.folder("sweep-report")
    let file = folder.appendingPathComponent("three.json")
    try Data(
      """
      {"name": "three", "configurations": [
        {"command": "study largest", "grid": {"top-k": [1, 2, 3]},
         "fixed": {"checkpoint": "\(trained.checkpoint.path)", "dataset": "folder",
                   "data": "\(trained.data.path)", "split": "test", "runs": 1,
                   "threads": 1}}]}
      """.utf8
    ).write(to: file)
    let whole = folder.appendingPathComponent("whole")
    let sharded = folder.appendingPathComponent("sharded")
    #expect(try CommandRunner.run(["sweep", file.path, "--out", whole.path]).status == 0)
    for shard in ["1/2", "2/2"] {
      let outcome = try CommandRunner.run(
        ["sweep", file.path, "--out", sharded.path, "--shard", shard])
      #expect(outcome.status == 0, "\(outcome)")
    }
    let reports = try [whole, sharded].map { root in
      try CommandRunner.run(["report", root.path, "--format", "csv"])
    }
    #expect(reports.allSatisfy { $0.status == 0 }, "\(reports)")
    // One header line plus rows for each of the three configurations.
    #expect(reports[0].standardOutput.split(separator: "\n").count > 3)
    // The `source` column names each run's folder; only the sweep root differs.
    let normalised = zip(reports, [whole, sharded]).map { report, root in
      report.standardOutput.replacingOccurrences(of: root.path, with: "ROOT")
    }
    #expect(normalised[0] == normalised[1])
  }

  @Test("a failing configuration does not stop the others; the status is then 1")
  func failureContinues() throws {
    let trained = try CLIWorkspace.trained.get()
    let folder = CLIWorkspace.folder("sweep")
    let file = folder.appendingPathComponent("bad.json")
    let missing = folder.appendingPathComponent("none.safetensors").path
    try Data(
      """
      [{"command": "study largest", "options": {"checkpoint": "\(missing)", "top-k": 1}},
       {"command": "study largest",
        "options": {"checkpoint": "\(trained.checkpoint.path)", "dataset": "folder",
                    "data": "\(trained.data.path)", "split": "test", "runs": 1, "top-k": 1}}]
      """.utf8
    ).write(to: file)
    let root = folder.appendingPathComponent("runs")
    let outcome = try CommandRunner.run(["sweep", file.path, "--out", root.path])
    #expect(outcome.status == 1, "\(outcome)")
    let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("[1/2] failed study-largest_top-k-1_") }, "\(outcome)")
    #expect(lines.contains { $0.contains(missing) }, "\(outcome)")
    #expect(lines.contains { $0.hasPrefix("[2/2] done study-largest_") }, "\(outcome)")
    #expect(
      outcome.standardError.hasSuffix(
        "error: 1 of 2 configurations failed; see \(root.path)/sweep-log.jsonl\n"))
  }

  @Test("bad sweep input: a shard out of range, a missing sweep file")
  func badInput() throws {
    #expect(
      try CommandRunner.run("sweep sweep.json --shard 3/2")
        == .init(
          status: 2, standardOutput: "",
          standardError: "error: --shard expects a shard i/n with 1 <= i <= n, got '3/2'\n"
            + "Run 'spurious sweep --help' for usage.\n"))
    #expect(
      try CommandRunner.run("sweep /nonexistent/sweep.json")
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: /nonexistent/sweep.json: the sweep file does not exist\n"))
  }
}
