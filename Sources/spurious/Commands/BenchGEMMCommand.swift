import Arguments
import Benchmarks

/// `spurious bench gemm`.
enum BenchGEMMCommand: Command {
  static let name = "gemm"
  static let summary = "Time matrix multiplication on the shapes of ResNet50 and DeiT."
  static let arguments: [ArgumentSpec] =
    [
      .option(
        "shape", .custom("a shape MxNxK such as 256x256x64", plural: "shapes", isValid: isShape),
        valueName: "MxNxK", defaultDescription: "square 512-2048 and DeiT-S's linear layers",
        repeating: true, help: "Time this product C[MxN] = A[MxK] B[KxN] instead.")
    ] + BenchCommand.sharedOptions

  static func isShape(_ text: String) -> Bool { parseShape(text) != nil }

  /// `MxNxK` with positive sizes whose product stays modest (up to 2^24 per matrix).
  static func parseShape(_ text: String) -> KernelBenchmarks.GEMMShape? {
    let sizes = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
    guard sizes.count == 3, let m = sizes[0], let n = sizes[1], let k = sizes[2],
      m > 0, n > 0, k > 0, m * k <= 1 << 24, k * n <= 1 << 24, m * n <= 1 << 24
    else { return nil }
    return KernelBenchmarks.GEMMShape("custom", m: m, n: n, k: k)
  }

  static func run(_ arguments: ParsedArguments) throws {
    let custom = arguments.strings("shape").compactMap(parseShape)
    let results = KernelBenchmarks.gemm(
      threads: BenchCommand.threads(arguments), repeats: arguments.int("repeats"),
      shapes: custom.isEmpty ? KernelBenchmarks.GEMMShape.standard : custom)
    BenchCommand.print(results, json: arguments.flag("json"))
  }
}
