import Foundation

/// Group names and counts of a dataset, for legends, tables and the `averag` weights.
public struct DatasetGroups: Codable, Equatable, Sendable {
  /// Short dataset name (`waterbirds`, `celeba`, or a folder's name).
  public var dataset: String
  /// Group names in group order, correctly spelled (our own output).
  public var names: [String]
  /// Group names exactly as the reference spells them (CelebA's 'Blone Male').
  public var referenceNames: [String]
  /// Samples per group in each split (`train`, `val`, `test`) when known.
  public var counts: [String: [Int]]

  public init(
    dataset: String, names: [String], referenceNames: [String]? = nil, counts: [String: [Int]]
  ) {
    self.dataset = dataset
    self.names = names
    self.referenceNames = referenceNames ?? names
    self.counts = counts
  }

  /// Waterbirds (REFERENCE.md 2.2): y = waterbird, place = water.
  public static let waterbirds = DatasetGroups(
    dataset: "waterbirds",
    names: [
      "Land Bird on Land", "Land Bird on Water", "Water Bird on Land", "Water Bird on Water",
    ],
    counts: [
      "train": [3498, 184, 56, 1057], "val": [467, 466, 133, 133], "test": [2255, 2255, 642, 642],
    ])

  /// CelebA (REFERENCE.md 2.3): y = blond, place = male. The reference misspells the last
  /// group 'Blone Male'; that spelling is kept only for reference-format output.
  public static let celebA = DatasetGroups(
    dataset: "celeba",
    names: ["Non-Blond Female", "Non-Blond Male", "Blond Female", "Blond Male"],
    referenceNames: ["Non-Blond Female", "Non-Blond Male", "Blond Female", "Blone Male"],
    counts: [
      "train": [71629, 66874, 22880, 1387], "val": [8535, 8276, 2874, 182],
      "test": [9767, 7535, 2480, 180],
    ])

  /// Any other binary dataset with a binary spurious attribute: `y=0,a=0` ...
  public static func generic(dataset: String = "dataset", counts: [String: [Int]] = [:])
    -> DatasetGroups
  {
    DatasetGroups(
      dataset: dataset, names: ["y=0,a=0", "y=0,a=1", "y=1,a=0", "y=1,a=1"], counts: counts)
  }

  /// The known groups of `dataset` by name (case-insensitive), or generic ones.
  public static func named(_ dataset: String) -> DatasetGroups {
    switch dataset.lowercased() {
    case "waterbirds": return .waterbirds
    case "celeba": return .celebA
    default: return .generic(dataset: dataset)
    }
  }

  /// Training-split counts, falling back to all ones (an unweighted mean) when unknown.
  public var trainingCounts: [Int] { counts["train"] ?? Array(repeating: 1, count: names.count) }

  /// Legend entries `Name: count` for `split`, as the reference's plots label them
  /// (`reference: true` keeps its spelling). Without counts, just the names.
  public func legend(split: String, reference: Bool = false) -> [String] {
    let labels = reference ? referenceNames : names
    guard let splitCounts = counts[split], splitCounts.count == labels.count else { return labels }
    return zip(labels, splitCounts).map { "\($0): \($1)" }
  }

  /// The two groups with the fewest training samples (the minority groups), ascending by
  /// group index; nil when training counts are unknown.
  public var minorityGroups: [Int]? {
    guard let train = counts["train"] else { return nil }
    let order = train.indices.sorted { (train[$0], $0) < (train[$1], $1) }
    return Array(order.prefix(2)).sorted()
  }
}
