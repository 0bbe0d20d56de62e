import Arguments
import Benchmarks

/// `spurious bench conv`.
enum BenchConvCommand: Command {
  static let name = "conv"
  static let summary = "Time the convolutions of ResNet50, forward and backward."
  static let arguments: [ArgumentSpec] =
    [
      .option(
        "batch", .positiveInteger, default: "32",
        help: "Images per convolution (ResNet50's layer shapes at this batch).")
    ] + BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    let results = KernelBenchmarks.conv(
      threads: BenchCommand.threads(arguments), repeats: arguments.int("repeats"),
      shapes: KernelBenchmarks.ConvShape.resnet50(batch: arguments.int("batch")))
    BenchCommand.print(results, json: arguments.flag("json"))
  }
}
