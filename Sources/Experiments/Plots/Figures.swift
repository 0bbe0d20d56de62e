import Foundation

/// The project's standard figures, built from the result types.
public enum Figures {
  /// Per-group accuracy over epochs, one line per group (legend `Name (n=count)` with
  /// the split's counts) plus the training-weighted average as a dashed line.
  public static func groupAccuracy(
    _ evolution: GroupAccuracyEvolution, groups: DatasetGroups, split: String,
    title: String? = nil
  ) -> String {
    let epochs = (0..<evolution.average.count).map(Double.init)
    let counts = groups.counts[split]
    var series = evolution.groupAccuracies.enumerated().map { g, values in
      let name = g < groups.names.count ? groups.names[g] : "group \(g)"
      let label = counts.map { g < $0.count ? "\(name) (n=\($0[g]))" : name } ?? name
      return LineSeries(name: label, x: epochs, y: values)
    }
    series.append(
      LineSeries(
        name: "average weighted by training counts", x: epochs, y: evolution.average, dashed: true))
    return LineChart(
      title: title ?? "Per-group accuracy on the \(split) split (\(groups.dataset))",
      xLabel: "epoch", yLabel: "accuracy", series: series, yRange: 0...1
    ).svg
  }

  /// Loss over epochs, one line per named list (e.g. the training loss sum).
  public static func loss(_ losses: [(name: String, values: [Double])], title: String) -> String {
    LineChart(
      title: title, xLabel: "epoch", yLabel: "loss",
      series: losses.map {
        LineSeries(name: $0.name, x: (0..<$0.values.count).map(Double.init), y: $0.values)
      }
    ).svg
  }

  /// The paper-style figure: accuracy drop (baseline - mean over runs) per group against
  /// top-k, grouped bars with sample-std error bars. Uses the largest/activated summaries
  /// of one mode and std (the first section of each; for the activated study, pass the
  /// sections' summaries separately). Minority groups are marked in the legend.
  public static func dropVersusTopK(_ summaries: [StudySummary], title: String? = nil) -> String? {
    let usable = summaries.filter { $0.configuration.topK != nil && !$0.sections.isEmpty }
      .sorted { $0.configuration.topK! < $1.configuration.topK! }
    guard let first = usable.first else { return nil }
    let groups = first.sections[0].groups
    let series = groups.map { group -> BarSeries in
      let values = usable.map { s -> Double in
        s.sections[0].groups.first { $0.group == group.group }?.drop ?? .nan
      }
      let errors = usable.map { s -> Double? in
        s.sections[0].groups.first { $0.group == group.group }?.standardDeviation
      }
      var name = group.name
      if let n = group.trainingCount { name += " (n=\(n))" }
      if group.isMinority { name += ", minority" }
      return BarSeries(name: name, values: values, errors: errors)
    }
    let c = first.configuration
    var detail = "\(c.kind.rawValue) neurons, \(c.mode.rawValue)"
    if c.mode.isRandom { detail += ", std \(PythonFloat.repr(c.noiseStd))" }
    if c.mode == .rewind { detail += ", \(c.rewindEpochs) epochs back" }
    return BarChart(
      title: title ?? "Accuracy drop per group after modifying the top-k \(detail)",
      xLabel: "top-k neurons modified (error bars: sample std over runs)",
      yLabel: "accuracy drop (baseline - mean)",
      categories: usable.map { "k=\($0.configuration.topK!)" }, series: series
    ).svg
  }
}
