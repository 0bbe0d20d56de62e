import Foundation
import Neurons
import TestSupport
import Testing

@testable import Experiments

@Suite("Sweeps")
struct SweepTests {
  let gridText = """
    {"name": "demo", "configurations": [
      {"command": "study largest",
       "grid": {"top-k": [1, 2, 3], "noise-std": [0.02, 0.01]},
       "fixed": {"mode": "random_init", "data": "${DATA}", "smallest": false, "runs": 10}},
      {"command": "study threshold", "options": {"percentage": 1e-5, "smallest": true}}
    ]}
    """

  @Test("grid expands in file order, first grid option slowest, fixed options first")
  func expansion() throws {
    let sweep = try Sweep.parse(gridText, source: "demo.json")
    #expect(sweep.name == "demo")
    #expect(sweep.configurations.count == 7)
    let first = sweep.configurations[0]
    #expect(first.command == ["study", "largest"])
    #expect(first.options.map(\.0) == ["mode", "data", "smallest", "runs", "top-k", "noise-std"])
    let grid = sweep.configurations.prefix(6).map {
      "\($0.option("top-k")!.pythonJSONText)/\($0.option("noise-std")!.pythonJSONText)"
    }
    #expect(grid == ["1/0.02", "1/0.01", "2/0.02", "2/0.01", "3/0.02", "3/0.01"])
  }

  @Test("ids are stable, readable, unique, and hide paths behind a hash")
  func ids() throws {
    let sweep = try Sweep.parse(gridText, source: "demo.json")
    let ids = sweep.configurations.map(\.id)
    #expect(Set(ids).count == ids.count)
    #expect(ids[0].hasPrefix("study-largest_mode-random_init_noise-std-0.02_runs-10_top-k-1_"))
    #expect(
      ids[0].count == "study-largest_mode-random_init_noise-std-0.02_runs-10_top-k-1_".count + 8)
    #expect(ids[6] == "study-threshold_percentage-1e-5_smallest")
    // Same options in another order: same id.
    let swapped = SweepConfiguration(
      command: ["study", "threshold"],
      options: [("smallest", .bool(true)), ("percentage", .number("1e-5"))])
    #expect(swapped.id == ids[6])
    #expect(SweepConfiguration.fnv1a("") == "84222325")
  }

  @Test("arguments: flags, numbers as written, placeholders expanded, --out appended")
  func arguments() throws {
    let sweep = try Sweep.parse(gridText, source: "demo.json")
    let c = sweep.configurations[1]
    let root = URL(fileURLWithPath: "/shared/experiments")
    let folder = try c.outputFolder(root: root, environment: [:])
    #expect(folder.path == "/shared/experiments/\(c.id)")
    let args = try c.arguments(environment: ["DATA": "/data/wb"], outputFolder: folder)
    #expect(
      args == [
        "study", "largest", "--mode", "random_init", "--data", "/data/wb", "--runs", "10",
        "--top-k", "1", "--noise-std", "0.01", "--out", folder.path,
      ])
    let threshold = try sweep.configurations[6].arguments(environment: [:], outputFolder: nil)
    #expect(threshold == ["study", "threshold", "--percentage", "1e-5", "--smallest"])
  }

  @Test("an unset placeholder names the variable, configuration and option")
  func unsetVariable() throws {
    let c = try Sweep.parse(gridText, source: "demo.json").configurations[0]
    do {
      _ = try c.arguments(environment: [:], outputFolder: nil)
      Issue.record("expected an error")
    } catch let error as ExperimentsError {
      #expect(error == .unsetVariable(name: "DATA", configuration: c.id, option: "data"))
      #expect(error.description.contains("environment variable DATA is not set"))
    }
  }

  @Test("shards i/n (1-based) partition the list; bad shards are refused")
  func shards() throws {
    let items = Array(0..<11)
    for n in 1...5 {
      var seen: [Int] = []
      for i in 1...n { seen += try Shard(index: i, count: n).select(items) }
      #expect(seen.sorted() == items)
    }
    #expect(try Shard(parsing: "2/3").select(items) == [1, 4, 7, 10])
    for bad in ["0/3", "4/3", "1/0", "a/b", "3"] {
      #expect(throws: ExperimentsError.self) { try Shard(parsing: bad) }
    }
  }

  @Test("malformed sweeps: errors name the place")
  func malformed() {
    let cases: [(String, String)] = [
      (
        "[{\"command\": \"study largest\", \"grid\": {\"top-k\": []}}]",
        "configuration 1, grid \"top-k\""
      ),
      ("[{\"options\": {}}]", "configuration 1"),
      ("[{\"command\": \"x\", \"options\": {\"a\": [1]}}]", "configuration 1, option \"a\""),
      ("[{\"command\": \"x\"}, {\"command\": \"x\"}]", "expanded configuration 2"),
      ("[{\"command\": \"x\",\n \"grid\": {\"a\": [1,]}}]", "line 2, column 19"),
    ]
    for (text, place) in cases {
      do {
        _ = try Sweep.parse(text, source: "s.json")
        Issue.record("expected an error for \(text)")
      } catch let ExperimentsError.malformed(file, actualPlace, _, _) {
        #expect(file == "s.json")
        #expect(actualPlace == place)
      } catch {
        Issue.record("unexpected \(error)")
      }
    }
  }

  @Test("the runner skips finished configurations, survives failures and logs each")
  func runner() throws {
    let root = Fixtures.temporaryDirectory("sweep")
    let sweep = try Sweep.parse(
      """
      [{"command": "study largest", "grid": {"top-k": [1, 2, 3]}, "fixed": {"mode": "zero"}}]
      """, source: "s.json")
    // Configuration 1 is already done.
    let done = root.appendingPathComponent(sweep.configurations[0].id)
    try FileManager.default.createDirectory(at: done, withIntermediateDirectories: true)
    let result = StudyResult(
      configuration: StudyConfiguration(kind: .largest, mode: .zero, topK: 1), groupNames: [],
      baseline: [1], sections: [])
    try result.write(to: RunDirectory(url: done))
    // Configuration 2 left a broken result: not done.
    let broken = root.appendingPathComponent(sweep.configurations[1].id)
    try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
    try "{".write(
      to: broken.appendingPathComponent("study.json"), atomically: true, encoding: .utf8)

    var ran: [String] = []
    let runner = SweepRunner(root: root, environment: [:])
    let outcomes = try runner.run(sweep.configurations, shard: try Shard(parsing: "1/1")) { run in
      ran.append(run.configuration.id)
      #expect(run.arguments.suffix(2) == ["--out", run.outputFolder.path])
      if run.configuration.option("top-k") == .number("3") {
        throw ExperimentsError.invalidArgument(what: "x", expected: "y", found: "z")
      }
    }
    #expect(ran == [sweep.configurations[1].id, sweep.configurations[2].id])
    #expect(outcomes.map(\.status) == [.skipped, .done, .failed])
    #expect(outcomes[2].message == "x: expected y, found z")
    let log = try SweepRunner.readLog(root: root)
    #expect(log.map(\.status) == [.skipped, .started, .done, .started, .failed])
    #expect(log.allSatisfy { $0.shard == "1/1" })
  }

  @Test("every shipped sweep file parses and expands to the reference's commented lists")
  func shippedSweeps() throws {
    let folder = Fixtures.packageRoot.appendingPathComponent("scripts/sweeps")
    let expected = [
      "largest-zero-top1-10.json": 10, "largest-random-init.json": 9,
      "largest-random-noise.json": 9, "largest-rewind.json": 6, "activated-zero.json": 7,
      "activated-rewind.json": 6, "activated-random-init.json": 8,
      "activated-random-noise.json": 9, "threshold-random-init.json": 9,
      "threshold-random-noise.json": 9, "threshold-zero.json": 8, "threshold-rewind.json": 6,
    ]
    let environment = [
      "DATA": "/d", "CHECKPOINT": "/c/epoch_40.safetensors",
      "DATASET": "waterbirds", "SPLIT": "train", "SEED": "0",
    ]
    for (name, count) in expected {
      let sweep = try Sweep.load(folder.appendingPathComponent(name))
      #expect(sweep.configurations.count == count, "\(name)")
      for c in sweep.configurations {
        _ = try c.arguments(environment: environment, outputFolder: nil)
      }
    }
  }
}
