import Arguments
import Experiments

/// The final table of `prune-finetune` (and of the demo): worst-group, mean and
/// train-weighted accuracy on validation and test, before and after.
enum PruneFinetuneSummary {
  static func render(_ rows: [PruneFinetune.SummaryRow]) -> String {
    var table = TextTable([
      "model", "val worst", "val mean", "val weighted", "test worst", "test mean",
      "test weighted",
    ])
    for row in rows {
      table.append([
        row.label,
        MetricsTable.format(row.validation.worstGroupAccuracy),
        MetricsTable.format(row.validation.accuracy),
        MetricsTable.format(row.validation.trainingWeightedAccuracy),
        MetricsTable.format(row.test.worstGroupAccuracy),
        MetricsTable.format(row.test.accuracy),
        MetricsTable.format(row.test.trainingWeightedAccuracy),
      ])
    }
    return table.rendered(.markdown) + "\n"
  }
}
