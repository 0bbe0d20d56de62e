import Arguments
import Benchmarks
import Tensor

/// `spurious bench gemm|conv|model|jpeg`: throughput of the engine's parts.
enum BenchCommand: Command {
  static let name = "bench"
  static let summary = "Measure the speed of kernels, models and the JPEG decoder."
  static let subcommands: [any Command.Type] = [
    BenchGEMMCommand.self,
    BenchConvCommand.self,
    BenchModelCommand.self,
    BenchJPEGCommand.self,
  ]

  /// Options every benchmark takes.
  static let sharedOptions: [ArgumentSpec] = [
    SharedOptions.threads,
    .option(
      "repeats", .positiveInteger, default: "5",
      help: "Timed repetitions; the median is reported."),
    SharedOptions.json,
  ]

  /// `--threads`, else every core.
  static func threads(_ arguments: ParsedArguments) -> Int {
    arguments.optionalInt("threads") ?? ThreadPool.defaultThreadCount()
  }

  /// One JSON object per measurement, or a table.
  static func print(_ results: [BenchmarkResult], json: Bool) {
    for result in results {
      Console.output((json ? result.jsonLine : result.tableLine) + "\n")
    }
  }
}
