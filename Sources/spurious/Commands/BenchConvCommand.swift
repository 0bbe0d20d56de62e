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
        help: "Images per convolution (ResNet50's layer shapes at this batch)."),
      .option(
        "layers", .choice(["typical", "all"], noun: "layer set"), default: "typical",
        help: """
          typical: six representative layers (3x3 and 1x1 of stage 1, a strided 3x3, \
          the 3x3 of stage 4, the stem); all: every distinct convolution of ResNet50 \
          at 224, in network order.
          """),
      .option(
        "passes", .list(of: .choice(["forward", "backwardData", "backwardWeight"], noun: "pass")),
        default: "forward,backwardData,backwardWeight",
        help: "Which passes to time, comma-separated."),
    ] + BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    let batch = arguments.int("batch")
    let shapes =
      arguments.string("layers") == "all"
      ? KernelBenchmarks.ConvShape.resnet50AllLayers(batch: batch)
      : KernelBenchmarks.ConvShape.resnet50(batch: batch)
    let passes = Set(arguments.strings("passes").compactMap(KernelBenchmarks.ConvPass.init))
    let results = KernelBenchmarks.conv(
      threads: BenchCommand.threads(arguments), repeats: arguments.int("repeats"),
      shapes: shapes, passes: passes)
    BenchCommand.print(results, json: arguments.flag("json"))
  }
}
