import Arguments
import Datasets
import Experiments
import Foundation

/// What `spurious demo` prints: the ERM model's per-group accuracy on train and test,
/// what zeroing its largest neurons costs each group, and prune-finetune's before/after.
enum DemoReport {
  static func render(_ outcome: Demo.Outcome, seconds: Double) -> String {
    var out: [String] = []
    out.append("## 1. ERM model (resnet_mini, synthetic Waterbirds-like data)\n")
    var table = TextTable(["group", "train acc", "test acc"])
    let train = outcome.erm.finalMetrics[.train]
    let test = outcome.erm.finalMetrics[.test]
    for g in 0..<4 {
      table.append([
        name(outcome, g) + counts(train, g),
        MetricsTable.format(train?.groupAccuracies[g]),
        MetricsTable.format(test?.groupAccuracies[g]),
      ])
    }
    table.append([
      "worst group", MetricsTable.format(train?.worstGroupAccuracy),
      MetricsTable.format(test?.worstGroupAccuracy),
    ])
    out.append(table.rendered(.markdown))

    out.append("\n## 2. Zeroing the k largest neurons (train split, change in accuracy)\n")
    var drops = TextTable(["k"] + (0..<4).map { name(outcome, $0) } + ["neurons"])
    for result in outcome.studies {
      let summary = StudySummary(result)
      guard let section = summary.sections.first else { continue }
      drops.append(
        [String(result.configuration.topK ?? 0)]
          + section.groups.map { String(format: "%+.4f", $0.change) }
          + [section.neurons.map { "\($0.name)[\($0.index)]" }.joined(separator: " ")])
    }
    out.append(drops.rendered(.markdown))

    out.append("\n## 3. Prune-finetune (worst-group and mean accuracy)\n")
    out.append(PruneFinetuneSummary.render(outcome.finetune.summary))
    out.append(
      "runs: \(outcome.erm.directory.deletingLastPathComponent().path)"
        + String(format: "  (%.0f s)", seconds))
    return out.joined(separator: "\n") + "\n"
  }

  static func name(_ outcome: Demo.Outcome, _ group: Int) -> String {
    group < outcome.groupNames.count ? outcome.groupNames[group] : "group \(group)"
  }

  static func counts(_ metrics: GroupMetrics?, _ group: Int) -> String {
    guard let metrics, group < metrics.groups.count else { return "" }
    return " (n=\(metrics.groups[group].count))"
  }
}
