import Datasets
import Foundation

/// The per-epoch files every training loop keeps up to date from `metrics.jsonl`: the
/// reference's three `group_accuracy_evolution_in_*_set.txt`, its loss lists, and SVG
/// plots of per-group accuracy and loss.
enum EvolutionFiles {
  /// `metrics.jsonl` split names and the reference's file split names.
  static let splits: [(Split, ReferenceSplit)] = [
    (.train, .training), (.test, .testing), (.val, .validating),
  ]

  /// Rewrites every evolution file for states `0...finished` (finished epochs).
  ///
  /// The reference evaluates train and test *before* each epoch (rows 0..E-1: the
  /// starting model up to the model after E-1 epochs) and validation from the saved
  /// checkpoints *after* each epoch (rows 1..E); the files keep that off-by-one
  /// (REFERENCE.md 7.9) so they line up with files the Python code wrote. The SVG
  /// plots and `metrics.jsonl` show every state 0...E on every split.
  static func write(
    records: [MetricsRecord], finished: Int, data: ExperimentData, lossLists: [String: [Double]],
    directory: RunDirectory
  ) throws {
    let counts = data.trainingCounts
    for (split, referenceSplit) in splits {
      let rows =
        referenceSplit == .validating
        ? records.filter { $0.epoch >= 1 && $0.epoch <= finished }
        : records.filter { $0.epoch < finished }
      if finished > 0 {
        try GroupAccuracyEvolution(
          records: rows, split: split.description, trainingCounts: counts
        ).write(to: directory, split: referenceSplit)
      }
      let all = GroupAccuracyEvolution(
        records: records, split: split.description, trainingCounts: counts)
      try AtomicFile.write(
        Figures.groupAccuracy(all, groups: data.groups, split: split.description),
        to: directory.file("group_accuracy_\(split.description).svg"))
    }
    for (name, values) in lossLists {
      try AtomicFile.write(ReferenceJSON.floatList(values), to: directory.file(name))
    }
    let plotted = lossLists.sorted { $0.key < $1.key }.map { name, values in
      (name: name.replacingOccurrences(of: ".json", with: ""), values: values)
    }
    try AtomicFile.write(
      Figures.loss(plotted, title: "Training loss per epoch (sum of batch means)"),
      to: directory.file("loss.svg"))
  }
}
