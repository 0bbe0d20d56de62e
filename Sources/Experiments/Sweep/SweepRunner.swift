import Foundation

/// What one configuration of a sweep needs to run: itself, its expanded command-line
/// arguments (ending in `--out <folder>`) and its output folder.
public struct PreparedRun: Sendable {
  public var configuration: SweepConfiguration
  public var arguments: [String]
  public var outputFolder: URL
}

/// One line of `sweep-log.jsonl`.
public struct SweepLogEntry: Codable, Equatable, Sendable {
  public enum Status: String, Codable, Sendable {
    case started, done, skipped, failed
  }
  public var id: String
  public var status: Status
  public var arguments: [String]
  /// The error of a failed run, or why a run was skipped.
  public var message: String?
  /// Wall-clock seconds of a finished or failed run.
  public var seconds: Double?
  /// ISO 8601 time of the entry.
  public var time: String
  /// `i/n` of the shard that ran it.
  public var shard: String?
}

/// Runs the configurations of a sweep one after another, skipping those already done,
/// recording each start and outcome in `root/sweep-log.jsonl`. A failed configuration
/// does not stop the sweep; the returned log says which failed.
public struct SweepRunner {
  /// The shared experiments folder: each configuration writes to `root/<id>`.
  public var root: URL
  /// Values for `${NAME}` placeholders.
  public var environment: [String: String]
  /// Whether a configuration's output folder already holds its finished result.
  public var isDone: (PreparedRun) -> Bool
  /// Called with each log entry as it is written (the CLI prints progress from it).
  public var onEvent: (SweepLogEntry) -> Void

  /// The log file name inside `root`.
  public static let logFileName = "sweep-log.jsonl"

  public init(
    root: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
    isDone: @escaping (PreparedRun) -> Bool = SweepRunner.resultFileParses,
    onEvent: @escaping (SweepLogEntry) -> Void = { _ in }
  ) {
    self.root = root
    self.environment = environment
    self.isDone = isDone
    self.onEvent = onEvent
  }

  /// The result file that marks a configuration as done: `study.json` for `study ...`
  /// commands, `result.json` for the others (commands run from a sweep must write it
  /// last, atomically).
  public static func resultFileName(command: [String]) -> String {
    command.first == "study" ? StudyResult.fileName : "result.json"
  }

  /// The default done test: the result file exists and parses (as a `StudyResult` for
  /// studies, as JSON otherwise).
  public static func resultFileParses(_ run: PreparedRun) -> Bool {
    let url = run.outputFolder.appendingPathComponent(
      resultFileName(command: run.configuration.command))
    guard FileManager.default.fileExists(atPath: url.path) else { return false }
    if run.configuration.command.first == "study" {
      return (try? StudyResult.read(from: url)) != nil
    }
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return false }
    return (try? JSONParser.parse(text, source: url.path)) != nil
  }

  /// Expands arguments and output folders of `configurations` (all placeholder errors
  /// surface here, before anything runs).
  public func prepare(_ configurations: [SweepConfiguration]) throws -> [PreparedRun] {
    try configurations.map { configuration in
      let folder = try configuration.outputFolder(root: root, environment: environment)
      return PreparedRun(
        configuration: configuration,
        arguments: try configuration.arguments(environment: environment, outputFolder: folder),
        outputFolder: folder)
    }
  }

  /// Runs `configurations` (already selected by shard) through `body`, in order. Returns
  /// the final entry of each configuration (done, skipped or failed).
  @discardableResult
  public func run(
    _ configurations: [SweepConfiguration], shard: Shard? = nil,
    _ body: (PreparedRun) throws -> Void
  ) throws -> [SweepLogEntry] {
    let runs = try prepare(configurations)
    do {
      try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    } catch {
      throw ExperimentsError.io(path: root.path, operation: "create folder", reason: "\(error)")
    }
    let shardText = shard.map { "\($0.index)/\($0.count)" }
    var outcomes: [SweepLogEntry] = []
    for run in runs {
      let id = run.configuration.id
      if isDone(run) {
        let entry = SweepLogEntry(
          id: id, status: .skipped, arguments: run.arguments, message: "result already present",
          time: RunRecord.timestamp(Date()), shard: shardText)
        try log(entry)
        outcomes.append(entry)
        continue
      }
      try log(
        SweepLogEntry(
          id: id, status: .started, arguments: run.arguments, time: RunRecord.timestamp(Date()),
          shard: shardText))
      let start = Date()
      var entry = SweepLogEntry(
        id: id, status: .done, arguments: run.arguments, time: "", shard: shardText)
      do {
        try body(run)
      } catch {
        entry.status = .failed
        entry.message = "\(error)"
      }
      entry.seconds = Date().timeIntervalSince(start)
      entry.time = RunRecord.timestamp(Date())
      try log(entry)
      outcomes.append(entry)
    }
    return outcomes
  }

  /// Reads the sweep log of `root`.
  public static func readLog(root: URL) throws -> [SweepLogEntry] {
    let url = root.appendingPathComponent(logFileName)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    return try text.split(separator: "\n").enumerated().map {
      try decodeJSON(SweepLogEntry.self, from: Data($1.utf8), source: "\(url.path) line \($0 + 1)")
    }
  }

  // Shards on several machines append to one shared log; each entry is one short line
  // written with a single append-mode write, which keeps lines whole on a local or NFS
  // file system in practice.
  private func log(_ entry: SweepLogEntry) throws {
    let line = try makeJSONEncoder(pretty: false).encode(entry) + Data("\n".utf8)
    let url = root.appendingPathComponent(SweepRunner.logFileName)
    if !FileManager.default.fileExists(atPath: url.path) {
      _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    }
    do {
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }
      try handle.seekToEnd()
      try handle.write(contentsOf: line)
    } catch {
      throw ExperimentsError.io(path: url.path, operation: "append", reason: "\(error)")
    }
    onEvent(entry)
  }
}
