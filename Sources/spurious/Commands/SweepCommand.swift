import Arguments
import Experiments
import Foundation

/// `spurious sweep FILE.json`: many runs from one description, shardable across jobs.
enum SweepCommand: Command {
  static let name = "sweep"
  static let summary = "Run every configuration of a sweep file, or one shard of them."
  static let discussion = """
    Each configuration runs in this process as if its command line had been typed, \
    writing to --out/<configuration id> (so each command must take --out: pretrain, \
    study, prune-finetune, demo). Runs whose result file is already present are \
    skipped, so a sweep can be restarted; a failed run does not stop the others (the \
    exit status is then 1). Progress goes to --out/sweep-log.jsonl. With --shard i/n \
    this process runs only configurations i, i+n, i+2n, ... (i from 1, as Slurm array \
    indices), e.g. one array task each. Ctrl-C stops after the current run.
    """
  static let arguments: [ArgumentSpec] = [
    .positional("file", .path, help: "The sweep description (JSON)."),
    .option(
      "shard", .custom("a shard i/n with 1 <= i <= n", plural: "shards", isValid: isShard),
      valueName: "I/N", help: "Run only shard I of N."),
    SharedOptions.out(
      "The folder that holds every configuration's run folder and the sweep log.",
      default: "experiments/<sweep file name without .json>"),
    .flag("dry-run", help: "List the runs the sweep would start, and start none."),
  ]

  /// `i/n` with integers 1 <= i <= n.
  static func isShard(_ text: String) -> Bool { (try? Shard(parsing: text)) != nil }

  static func run(_ arguments: ParsedArguments) throws {
    let file = URL(fileURLWithPath: arguments.string("file"))
    let sweep = try Sweep.load(file)
    let shard = try arguments.optionalString("shard").map { try Shard(parsing: $0) }
    let selected = shard?.select(sweep.configurations) ?? sweep.configurations
    let root = URL(
      fileURLWithPath: arguments.optionalString("out")
        ?? "experiments/" + file.deletingPathExtension().lastPathComponent)
    var runner = SweepRunner(root: root)
    let runs = try runner.prepare(selected)  // placeholder errors surface before any run
    if arguments.flag("dry-run") {
      for run in runs {
        let state = SweepRunner.resultFileParses(run) ? "  # done, would skip" : ""
        Console.output("spurious " + run.arguments.map(shellQuoted).joined(separator: " "))
        Console.output(state + "\n")
      }
      return
    }

    let total = runs.count
    var position = 0
    runner.onEvent = { entry in
      let prefix = "[\(position)/\(total)] "
      let seconds = entry.seconds.map { String(format: " in %.1f s", $0) } ?? ""
      switch entry.status {
      case .started: Console.diagnostic(prefix + "running \(entry.id)\n")
      case .done: Console.output(prefix + "done \(entry.id)\(seconds)\n")
      case .skipped: Console.output(prefix + "skipped \(entry.id): result already present\n")
      case .failed:
        Console.output(prefix + "failed \(entry.id)\(seconds): \(entry.message ?? "")\n")
      }
    }
    Interrupt.allowGracefulStop()
    var failed = 0
    for configuration in selected {
      if Interrupt.isRequested { break }
      position += 1
      let outcomes = try runner.run([configuration], shard: shard, runInProcess)
      failed += outcomes.filter { $0.status == .failed }.count
    }
    if Interrupt.isRequested { throw CommandFailure.interrupted(command: "spurious sweep") }
    if failed > 0 {
      throw PlainFailure(
        "\(failed) of \(total) configurations failed; see \(root.path)/"
          + SweepRunner.logFileName)
    }
  }

  /// Runs one configuration's command line through the launcher's parser, in process.
  static func runInProcess(_ run: PreparedRun) throws {
    switch try Launcher.parser.parse(run.arguments) {
    case .run(let command, let parsed):
      if ObjectIdentifier(command) == ObjectIdentifier(SweepCommand.self) {
        throw PlainFailure("a sweep cannot run a sweep")
      }
      do {
        try command.run(parsed)
      } catch let error as UsageError {
        throw PlainFailure(error.message)
      } catch let error as CommandFailure {
        throw PlainFailure("\(error)")
      } catch {
        throw PlainFailure(Launcher.message(for: error))
      }
    case .help, .version:
      throw PlainFailure("the configuration asks for help or the version instead of a run")
    }
  }

  /// `text` as a POSIX shell word.
  static func shellQuoted(_ text: String) -> String {
    let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
    if plain && !text.isEmpty { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
