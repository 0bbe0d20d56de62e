import Arguments
import Datasets
import Experiments
import Foundation
import Tensor

/// Turns the shared data options (`--dataset`, `--data`, `--resolution`, `--threads`)
/// into what the experiment loops take.
enum DataArguments {
  /// Where `--dataset synthetic` lives when `--data` is not given; generated on first use.
  static let defaultSyntheticRoot = URL(fileURLWithPath: "experiments/data/synthetic")

  /// Sizes the kernels' thread pool from `--threads` (all cores by default).
  static func applyThreads(_ arguments: ParsedArguments) -> Int {
    let threads = arguments.optionalInt("threads") ?? ThreadPool.defaultThreadCount()
    if threads != ThreadPool.shared.threadCount {
      ThreadPool.shared = ThreadPool(threadCount: threads)
    }
    return threads
  }

  /// The dataset options; for `synthetic`, makes the default dataset when missing.
  static func options(_ arguments: ParsedArguments, resolution: Int) throws
    -> ExperimentData.Options
  {
    let threads = applyThreads(arguments)
    let name = arguments.string("dataset")
    let kind: DatasetKind
    let root: URL
    switch name {
    case "synthetic":
      kind = .folder
      root =
        arguments.optionalString("data").map(URL.init(fileURLWithPath:))
        ?? defaultSyntheticRoot
      try ensureSynthetic(at: root, threads: threads)
    default:
      guard let parsed = DatasetKind(rawValue: name) else {
        throw UsageError("'\(name)' is not a dataset")
      }
      guard let path = arguments.optionalString("data") else {
        throw UsageError("--data is required for --dataset \(name): the dataset's root folder")
      }
      kind = parsed
      root = URL(fileURLWithPath: path)
    }
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder),
      isFolder.boolValue
    else {
      throw ExperimentsError.missing(path: root.path, what: "the dataset folder")
    }
    return ExperimentData.Options(
      kind: kind, root: root, resolution: resolution, threads: threads,
      cacheDirectory: RunDirectory.defaultRoot.appendingPathComponent(".eval-cache"))
  }

  /// Generates the default synthetic dataset at `root` unless its metadata is there.
  static func ensureSynthetic(at root: URL, threads: Int) throws {
    let metadata = root.appendingPathComponent("metadata.csv")
    guard !FileManager.default.fileExists(atPath: metadata.path) else { return }
    Console.diagnostic("generating the synthetic dataset in \(root.path)\n")
    let summary = try SyntheticDataset.generate(
      SyntheticDataset.Options(outputDirectory: root, threads: threads))
    Console.diagnostic("wrote \(summary.imageCount) images\n")
  }

  /// `--dataset` as the short name used in default folder names.
  static func datasetName(_ arguments: ParsedArguments) -> String {
    arguments.string("dataset")
  }
}
