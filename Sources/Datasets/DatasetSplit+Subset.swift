extension DatasetSplit {
  /// The samples at `positions` (positions within this split), in that order, as a split
  /// of their own. Loaders over a subset must not share the full split's evaluation
  /// cache, which is keyed by split, not by sample list.
  public func subset(_ positions: [Int]) -> DatasetSplit {
    DatasetSplit(dataset: dataset, split: split, samples: positions.map { samples[$0] })
  }
}
