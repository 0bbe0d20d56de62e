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
        "passes",
        .list(
          of: .choice(["forward", "backwardData", "backwardWeight", "inference"], noun: "pass")),
        default: "forward,backwardData,backwardWeight",
        help: """
          Which passes to time, comma-separated. inference is the forward as the \
          evaluation path runs it: weights packed once (Winograd-transformed for 3x3 \
          stride-1 layers of 64 channels and more), bias and ReLU fused; its GFLOPS \
          count the direct method's operations.
          """),
      .option(
        "only", .list(of: .text),
        help: """
          Time only the layers with these labels (as printed, e.g. 3x3.64-64.56), \
          comma-separated; without it, every layer of the set.
          """),
    ] + BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    let batch = arguments.int("batch")
    var shapes =
      arguments.string("layers") == "all"
      ? KernelBenchmarks.ConvShape.resnet50AllLayers(batch: batch)
      : KernelBenchmarks.ConvShape.resnet50(batch: batch)
    let only = Set(arguments.strings("only").filter { !$0.isEmpty })
    if !only.isEmpty {
      let unknown = only.subtracting(shapes.map(\.label))
      guard unknown.isEmpty else {
        throw UsageError(
          "bench conv: no layer labelled \(unknown.sorted().joined(separator: ", ")) in the "
            + "\(arguments.string("layers")) set; labels: "
            + shapes.map(\.label).joined(separator: ", "))
      }
      shapes = shapes.filter { only.contains($0.label) }
    }
    let passes = Set(arguments.strings("passes").compactMap(KernelBenchmarks.ConvPass.init))
    let results = KernelBenchmarks.conv(
      threads: BenchCommand.threads(arguments), repeats: arguments.int("repeats"),
      shapes: shapes, passes: passes)
    BenchCommand.print(results, json: arguments.flag("json"))
  }
}
