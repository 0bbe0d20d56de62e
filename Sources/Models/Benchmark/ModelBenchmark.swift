import Foundation
import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Throughput and peak memory of one model workload, the Swift half of
/// `spurious bench model` (scripts/bench_torch.py is the PyTorch half, with the same
/// settings and the same JSON fields).
///
/// Inference runs the `InferenceModel` path (eval, no tape, folded batch norm).
/// A training step is what ERM does per batch: train-mode forward, the reference's
/// loss (cross-entropy on the softmax head's probabilities, two classes), backward,
/// and an Adam step.
public enum ModelBenchmark {
  /// What to measure.
  public enum Mode: String, CaseIterable, Sendable {
    case infer
    case train
  }

  /// One benchmark configuration.
  public struct Settings: Sendable {
    public var architecture: Architecture
    public var batch: Int
    public var mode: Mode
    /// Image side in pixels (a multiple of 16 for the transformers).
    public var resolution: Int
    /// Timed iterations; the median is reported.
    public var iterations: Int
    /// Untimed iterations first (allocator and caches settle).
    public var warmup: Int
    public var seed: UInt64

    public init(
      architecture: Architecture, batch: Int, mode: Mode, resolution: Int = 224,
      iterations: Int = 5, warmup: Int = 1, seed: UInt64 = 0
    ) {
      self.architecture = architecture
      self.batch = batch
      self.mode = mode
      self.resolution = resolution
      self.iterations = iterations
      self.warmup = warmup
      self.seed = seed
    }
  }

  /// What was measured.
  public struct Result: Sendable {
    public var settings: Settings
    /// Seconds of each timed iteration, in order.
    public var seconds: [Double]
    /// `batch / median(seconds)`.
    public var imagesPerSecond: Double
    /// The process's peak resident memory so far, in bytes (includes everything the
    /// process did before, so run one workload per process).
    public var peakResidentBytes: Int

    /// One JSON object with the same fields as scripts/bench_torch.py prints.
    public var json: String {
      let times = seconds.map { String(format: "%.4f", $0) }.joined(separator: ", ")
      return """
        {"implementation": "spurious", "arch": "\(settings.architecture.rawValue)", \
        "mode": "\(settings.mode.rawValue)", "batch": \(settings.batch), \
        "resolution": \(settings.resolution), "threads": \(ThreadPool.shared.threadCount), \
        "images_per_second": \(String(format: "%.3f", imagesPerSecond)), \
        "peak_rss_mib": \(String(format: "%.1f", Double(peakResidentBytes) / 1_048_576)), \
        "seconds": [\(times)]}
        """
    }
  }

  /// Builds the model, runs the workload and reports the median throughput.
  public static func run(_ settings: Settings) -> Result {
    var generator = RandomGenerator(seed: settings.seed)
    let model = settings.architecture.make(
      head: .softmax, classes: 2, imageSize: settings.resolution, generator: &generator)
    let images = Tensor.normal(
      [settings.batch, 3, settings.resolution, settings.resolution], std: 1,
      generator: &generator)
    var labels: [Float] = []
    for i in 0..<settings.batch { labels += i % 2 == 0 ? [1, 0] : [0, 1] }
    let target = Tensor(labels, shape: [settings.batch, 2])

    let iteration: () -> Void
    switch settings.mode {
    case .infer:
      model.eval()
      let inference = InferenceModel(model)
      iteration = { _ = inference.forward(images) }
    case .train:
      model.train()
      let adam = Adam(parameters: model.parameters(), learningRate: 1e-5)
      iteration = {
        adam.zeroGrad()
        let output = model(images)
        let loss = Tensor.crossEntropy(output, targets: target)
        loss.backward()
        adam.step()
      }
    }

    for _ in 0..<settings.warmup { iteration() }
    var seconds: [Double] = []
    for _ in 0..<settings.iterations {
      let start = DispatchTime.now().uptimeNanoseconds
      iteration()
      seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let median = seconds.sorted()[seconds.count / 2]
    return Result(
      settings: settings, seconds: seconds, imagesPerSecond: Double(settings.batch) / median,
      peakResidentBytes: peakResidentBytes())
  }

  /// The process's peak resident set size in bytes.
  public static func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
    #else
      getrusage(RUSAGE_SELF, &usage)
      return Int(usage.ru_maxrss)  // bytes on macOS
    #endif
  }
}
