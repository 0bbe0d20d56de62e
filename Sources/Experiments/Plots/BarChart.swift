import Foundation

/// One set of bars (one per category), with optional error bars.
public struct BarSeries: Sendable {
  public var name: String
  public var values: [Double]
  /// Half-lengths of error bars (e.g. sample std); nil entries or NaN draw none.
  public var errors: [Double?]?

  public init(name: String, values: [Double], errors: [Double?]? = nil) {
    self.name = name
    self.values = values
    self.errors = errors
  }
}

/// A grouped bar chart as standalone SVG: for each category (e.g. top-k), one bar per
/// series (e.g. group), a zero line, ticks, labels and a legend.
public struct BarChart: Sendable {
  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var categories: [String]
  public var series: [BarSeries]
  public var width: Double = 960
  public var height: Double = 440

  public init(
    title: String, xLabel: String, yLabel: String, categories: [String], series: [BarSeries]
  ) {
    precondition(
      series.allSatisfy { $0.values.count == categories.count },
      "BarChart: every series needs \(categories.count) values")
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.categories = categories
    self.series = series
  }

  /// The chart as an SVG document.
  public var svg: String {
    let legendWidth = min(320, 40 + 7.2 * Double(series.map(\.name.count).max() ?? 0))
    let plot = (left: 70.0, top: 48.0, right: width - legendWidth - 20, bottom: height - 56)
    var canvas = SVGCanvas(width: width, height: height)
    canvas.text(title, width / 2, 26, size: 16, anchor: "middle", weight: "bold")

    var extremes: [Double] = [0]
    for s in series {
      for (i, v) in s.values.enumerated() where v.isFinite {
        let e = (s.errors?[i]).flatMap { $0 }.flatMap { $0.isFinite ? $0 : nil } ?? 0
        extremes += [v - e, v + e]
      }
    }
    let ticks = niceTicks(low: extremes.min()!, high: extremes.max()!)
    let low = ticks.first!
    let high = ticks.last!
    let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
    func py(_ y: Double) -> Double {
      plot.bottom - (y - low) / max(high - low, 1e-12) * (plot.bottom - plot.top)
    }
    for y in ticks {
      canvas.line(plot.left, py(y), plot.right, py(y), stroke: y == 0 ? "#444444" : "#e6e6e6")
      canvas.text(tickLabel(y, step: step), plot.left - 8, py(y) + 4, size: 11, anchor: "end")
    }
    canvas.line(plot.left, plot.top, plot.left, plot.bottom, stroke: "#444444")

    let slot = (plot.right - plot.left) / Double(max(categories.count, 1))
    let barWidth = slot * 0.8 / Double(max(series.count, 1))
    for (c, category) in categories.enumerated() {
      let slotLeft = plot.left + Double(c) * slot + slot * 0.1
      canvas.text(category, slotLeft + slot * 0.4, plot.bottom + 19, size: 12, anchor: "middle")
      for (index, s) in series.enumerated() {
        let value = s.values[c]
        guard value.isFinite else { continue }
        let colour = SVGCanvas.palette[index % SVGCanvas.palette.count]
        let x = slotLeft + Double(index) * barWidth
        let top = py(max(value, 0))
        let bottom = py(min(value, 0))
        canvas.rect(
          x + 1, top, barWidth - 2, bottom - top, fill: colour,
          title: "\(s.name), \(category): \(String(format: "%.4f", value))")
        if let error = (s.errors?[c]).flatMap({ $0 }), error.isFinite, error > 0 {
          let mid = x + barWidth / 2
          canvas.line(mid, py(value - error), mid, py(value + error), stroke: "#222222")
          canvas.line(mid - 4, py(value + error), mid + 4, py(value + error), stroke: "#222222")
          canvas.line(mid - 4, py(value - error), mid + 4, py(value - error), stroke: "#222222")
        }
      }
    }
    canvas.text(xLabel, (plot.left + plot.right) / 2, height - 14, size: 13, anchor: "middle")
    canvas.text(yLabel, 18, (plot.top + plot.bottom) / 2, size: 13, anchor: "middle", rotate: -90)

    let legendX = plot.right + 20
    for (index, s) in series.enumerated() {
      let colour = SVGCanvas.palette[index % SVGCanvas.palette.count]
      let y = plot.top + 8 + Double(index) * 22
      canvas.rect(legendX, y - 7, 14, 14, fill: colour)
      canvas.text(s.name, legendX + 22, y + 4, size: 12)
    }
    return canvas.document
  }
}
