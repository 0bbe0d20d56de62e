import Foundation

/// One split of a dataset: its samples in file order and its group counts.
public struct DatasetSplit: Sendable {
  public let dataset: Dataset
  public let split: Split
  /// Position `i` here is the reference's dataset index `i` within the split.
  public let samples: [Sample]

  init(dataset: Dataset, split: Split, samples: [Sample]) {
    self.dataset = dataset
    self.split = split
    self.samples = samples
  }

  public var count: Int { samples.count }

  /// Samples per group `[g0, g1, g2, g3]`, group = 2y + place.
  public var groupCounts: [Int] {
    var counts = [0, 0, 0, 0]
    for s in samples { counts[s.group] += 1 }
    return counts
  }

  /// The counts the reference's configuration lists for this dataset and split, when
  /// the dataset is Waterbirds or CelebA with its default attributes.
  public var knownGroupCounts: [Int]? {
    KnownGroupCounts.expected(
      kind: dataset.kind, split: split, target: dataset.targetName,
      spurious: dataset.spuriousName)
  }

  /// A warning naming both sets of numbers when the counts differ from the known ones,
  /// nil when they agree or nothing is known.
  public var countWarning: String? {
    guard let known = knownGroupCounts, known != groupCounts else { return nil }
    return "warning: \(dataset.kind.rawValue) \(split) split has group counts \(groupCounts) "
      + "(total \(count)), the published dataset has \(known) (total "
      + "\(known.reduce(0, +))); results will not be comparable with the paper's"
  }

  /// Lines to print on load, as the reference prints its totals, then the groups.
  public var summaryLines: [String] {
    let c = groupCounts
    return [
      "Total samples #:\(dataset.samples.count)",
      "Split samples #:\(count)",
      "\(split) groups (y,\(dataset.spuriousName)): g0 (0,0)=\(c[0]) g1 (0,1)=\(c[1]) "
        + "g2 (1,0)=\(c[2]) g3 (1,1)=\(c[3])",
    ] + (countWarning.map { [$0] } ?? [])
  }

  /// The URL of sample `index`'s image.
  public func imageURL(_ index: Int) -> URL {
    dataset.imageURL(samples[index])
  }

  /// Checks that every image file exists, throwing `missingImage` for the first absent
  /// one with its metadata line.
  public func checkImagesExist() throws {
    let fm = FileManager.default
    for s in samples where !fm.fileExists(atPath: dataset.imageURL(s).path) {
      throw DatasetError.missingImage(
        path: dataset.metadataPath, line: s.line, image: dataset.imageURL(s).path)
    }
  }
}

/// The group counts of the published datasets (the reference's dataset_configs and
/// REFERENCE.md section 2).
public enum KnownGroupCounts {
  public static let waterbirds: [Split: [Int]] = [
    .train: [3498, 184, 56, 1057], .val: [467, 466, 133, 133], .test: [2255, 2255, 642, 642],
  ]
  public static let celebA: [Split: [Int]] = [
    .train: [71629, 66874, 22880, 1387], .val: [8535, 8276, 2874, 182],
    .test: [9767, 7535, 2480, 180],
  ]

  static func expected(kind: DatasetKind, split: Split, target: String, spurious: String)
    -> [Int]?
  {
    switch kind {
    case .waterbirds: return waterbirds[split]
    case .celebA:
      return target == "Blond_Hair" && spurious == "Male" ? celebA[split] : nil
    case .folder: return nil
    }
  }
}
