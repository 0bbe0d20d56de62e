import Datasets
import Foundation
import Imaging

/// A dataset opened for an experiment: its splits, group legend and the loaders every
/// loop uses (the evaluation transform with a shared crop cache, and the seeded
/// training transform).
public final class ExperimentData {
  /// How to open the data and feed it.
  public struct Options: Sendable {
    public var kind: DatasetKind
    public var root: URL
    /// The square input side (224 in the paper).
    public var resolution: Int
    /// Decoding threads; results do not depend on it.
    public var threads: Int
    /// Where evaluation crops are cached (nil: decode on every pass).
    public var cacheDirectory: URL?
    /// What to do with an image that cannot be decoded.
    public var undecodable: UndecodableImagePolicy
    /// CelebA's target and spurious attributes.
    public var attributes: Dataset.Options

    public init(
      kind: DatasetKind, root: URL, resolution: Int = 224,
      threads: Int = ProcessInfo.processInfo.activeProcessorCount, cacheDirectory: URL? = nil,
      undecodable: UndecodableImagePolicy = .stop, attributes: Dataset.Options = .init()
    ) {
      self.kind = kind
      self.root = root
      self.resolution = resolution
      self.threads = threads
      self.cacheDirectory = cacheDirectory
      self.undecodable = undecodable
      self.attributes = attributes
    }
  }

  public let options: Options
  public let dataset: Dataset
  /// The train, val and test splits, in that order.
  public let splits: [Split: DatasetSplit]
  /// Group names with this dataset's actual counts per split.
  public let groups: DatasetGroups

  /// Reads the metadata and checks that every image file exists.
  public init(_ options: Options) throws {
    self.options = options
    dataset = try Dataset.load(options.kind, at: options.root, options: options.attributes)
    var splits: [Split: DatasetSplit] = [:]
    for split in Split.allCases { splits[split] = try dataset.split(split) }
    self.splits = splits
    var counts: [String: [Int]] = [:]
    for (split, data) in splits { counts[split.description] = data.groupCounts }
    let known: DatasetGroups
    switch options.kind {
    case .waterbirds: known = .waterbirds
    case .celebA: known = .celebA
    case .folder:
      // A Waterbirds-layout folder (the synthetic set included) keeps Waterbirds' group
      // meaning: y is the object class, place the background.
      known = .waterbirds
    }
    let name = options.kind == .folder ? options.root.lastPathComponent : known.dataset
    groups = DatasetGroups(
      dataset: name, names: known.names, referenceNames: known.referenceNames, counts: counts)
  }

  /// One split's samples.
  public func split(_ split: Split) -> DatasetSplit { splits[split]! }

  /// Samples per group of each split, for `run.json`.
  public var groupCounts: [String: [Int]] { groups.counts }

  /// Training-split group counts: the weights of the reference's `averag` row.
  public var trainingCounts: [Int] { split(.train).groupCounts }

  /// Unaugmented batches in file order (the reference's `standard_transform`), served
  /// from the crop cache when one is configured.
  public func evaluationLoader(_ split: Split, batchSize: Int) -> BatchLoader {
    BatchLoader(
      split: self.split(split), batchSize: batchSize,
      transform: .evaluation(EvaluationTransform(cropSize: options.resolution)),
      shuffle: false, threads: options.threads, undecodable: options.undecodable,
      cacheDirectory: options.cacheDirectory)
  }

  /// Training batches: shuffled per epoch from `seed`, with the reference's
  /// RandomResizedCrop and flip when `augment` (else the evaluation transform).
  public func trainingLoader(batchSize: Int, augment: Bool, seed: UInt64) -> BatchLoader {
    let transform: ImageTransform =
      augment
      ? .training(TrainingTransform(size: options.resolution))
      : .evaluation(EvaluationTransform(cropSize: options.resolution))
    return BatchLoader(
      split: split(.train), batchSize: batchSize, transform: transform, shuffle: true,
      seed: seed, threads: options.threads, undecodable: options.undecodable,
      cacheDirectory: augment ? nil : options.cacheDirectory)
  }
}
