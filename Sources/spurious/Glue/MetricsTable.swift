import Arguments
import Experiments
import Foundation

/// The per-group table every evaluating command prints.
enum MetricsTable {
  static func render(_ metrics: GroupMetrics, names: [String], title: String) -> String {
    var table = TextTable(["group", "name", "count", "correct", "accuracy"])
    for group in metrics.groups {
      let name = group.group < names.count ? names[group.group] : "group \(group.group)"
      table.append([
        String(group.group), name, String(group.count), String(group.correct),
        format(group.accuracy),
      ])
    }
    var lines = [title, table.rendered()]
    lines.append("accuracy (all samples)        \(format(metrics.accuracy))")
    lines.append("worst-group accuracy          \(format(metrics.worstGroupAccuracy))")
    lines.append("mean of group accuracies      \(format(metrics.meanGroupAccuracy))")
    lines.append("train-weighted average        \(format(metrics.trainingWeightedAccuracy))")
    return lines.joined(separator: "\n") + "\n"
  }

  static func format(_ value: Double?) -> String {
    guard let value, !value.isNaN else { return "-" }
    return String(format: "%.4f", value)
  }
}
