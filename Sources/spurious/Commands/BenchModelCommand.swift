import Arguments
import Foundation
import Models

/// `spurious bench model`.
enum BenchModelCommand: Command {
  static let name = "model"
  static let summary = "Time a whole model: images per second in inference or training."
  static let discussion = """
    The peak memory is the process's peak resident set (VmHWM), so each invocation \
    measures one workload.
    """
  static let arguments: [ArgumentSpec] =
    [
      SharedOptions.architecture(),
      .option("batch", .positiveInteger, default: "32", help: "Images per forward pass."),
      .option(
        "mode", .choice(["infer", "train"], noun: "mode"), default: "infer",
        help: "Forward only, or forward, backward and an optimiser step."),
      .option("resolution", .positiveInteger, default: "224", help: "Input image side."),
    ] + BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    let architecture = try CommandModels.architecture(arguments.string("arch"))
    let resolution = arguments.int("resolution")
    if architecture.isTransformer && resolution % 16 != 0 {
      throw UsageError("--resolution must be a multiple of 16 for \(architecture.rawValue)")
    }
    _ = DataArguments.applyThreads(arguments)
    let result = ModelBenchmark.run(
      ModelBenchmark.Settings(
        architecture: architecture, batch: arguments.int("batch"),
        mode: arguments.string("mode") == "train" ? .train : .infer, resolution: resolution,
        iterations: arguments.int("repeats")))
    if arguments.flag("json") {
      Console.output(result.json + "\n")
    } else {
      let times = result.seconds.map { String(format: "%.3f", $0) }.joined(separator: " ")
      Console.output(
        "\(architecture.rawValue) \(arguments.string("mode")) batch \(result.settings.batch) "
          + "at \(resolution)px: \(String(format: "%.2f", result.imagesPerSecond)) images/s, "
          + "peak memory \(String(format: "%.0f", Double(result.peakResidentBytes) / 1_048_576))"
          + " MiB (seconds per batch: \(times))\n")
    }
  }
}
