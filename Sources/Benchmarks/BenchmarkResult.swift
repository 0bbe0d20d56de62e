import Foundation

/// One measured kernel configuration: its shape, the thread count, and the spread of
/// the throughput over the repeats.
public struct BenchmarkResult: Sendable, Equatable {
  /// What ran, e.g. `gemm`, `conv2d.forward`, `conv2d.backwardData`.
  public var kernel: String
  /// A short label for the workload, e.g. `deit-s.qkv` or `512`.
  public var label: String
  /// The sizes, as `name: value` pairs in a fixed order (m, n, k or N, C, H, W ...).
  public var shape: [(String, Int)]
  public var threads: Int
  /// Floating-point operations of one call.
  public var flops: Double
  /// Seconds of each timed repeat, one call each (or the mean of a few short calls).
  public var seconds: [Double]

  public init(
    kernel: String, label: String, shape: [(String, Int)], threads: Int, flops: Double,
    seconds: [Double]
  ) {
    self.kernel = kernel
    self.label = label
    self.shape = shape
    self.threads = threads
    self.flops = flops
    self.seconds = seconds
  }

  public static func == (lhs: BenchmarkResult, rhs: BenchmarkResult) -> Bool {
    lhs.kernel == rhs.kernel && lhs.label == rhs.label && lhs.threads == rhs.threads
      && lhs.flops == rhs.flops && lhs.seconds == rhs.seconds
      && lhs.shape.map(\.0) == rhs.shape.map(\.0) && lhs.shape.map(\.1) == rhs.shape.map(\.1)
  }

  /// GFLOPS of each repeat, sorted ascending.
  public var gflops: [Double] { seconds.map { flops / $0 / 1e9 }.sorted() }
  /// The median throughput (mean of the two middle repeats for an even count).
  public var medianGFLOPS: Double {
    let values = gflops
    if values.isEmpty { return 0 }
    let middle = values.count / 2
    return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
  }
  public var minGFLOPS: Double { gflops.first ?? 0 }
  public var maxGFLOPS: Double { gflops.last ?? 0 }

  /// One JSON object on one line: kernel, label, shape fields, threads, repeats,
  /// median/min/max GFLOPS and the median milliseconds.
  public var jsonLine: String {
    var fields = ["\"kernel\":\"\(kernel)\"", "\"label\":\"\(label)\""]
    fields += shape.map { "\"\($0.0)\":\($0.1)" }
    fields += [
      "\"threads\":\(threads)", "\"repeats\":\(seconds.count)",
      "\"median_gflops\":\(Self.format(medianGFLOPS))",
      "\"min_gflops\":\(Self.format(minGFLOPS))",
      "\"max_gflops\":\(Self.format(maxGFLOPS))",
      "\"median_ms\":\(Self.format(flops / max(medianGFLOPS, 1e-9) / 1e6))",
    ]
    return "{" + fields.joined(separator: ",") + "}"
  }

  /// A fixed-width line for a terminal: kernel, label, shape, threads, median
  /// [min-max] GFLOPS.
  public var tableLine: String {
    let shapeText = shape.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    return Self.pad(kernel, 22) + Self.pad(label, 16) + Self.pad(shapeText, 44)
      + Self.pad("t=\(threads)", 5) + Self.pad(Self.format(medianGFLOPS), 8) + " GFLOPS ["
      + Self.format(minGFLOPS) + "-" + Self.format(maxGFLOPS) + "]"
  }

  static func format(_ value: Double) -> String { String(format: "%.1f", value) }

  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
  }
}
