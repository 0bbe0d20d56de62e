import Foundation

/// One line of a chart.
public struct LineSeries: Sendable {
  public var name: String
  public var x: [Double]
  public var y: [Double]
  public var dashed: Bool

  public init(name: String, x: [Double], y: [Double], dashed: Bool = false) {
    precondition(x.count == y.count, "LineSeries \(name): \(x.count) x values, \(y.count) y values")
    self.name = name
    self.x = x
    self.y = y
    self.dashed = dashed
  }
}

/// A line chart rendered as standalone SVG: axes with ticks and labels, a title, and a
/// legend beside the plot. NaN points break a line rather than being drawn.
public struct LineChart: Sendable {
  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [LineSeries]
  /// Fixed y range (e.g. 0...1 for accuracies); nil fits the data.
  public var yRange: ClosedRange<Double>?
  public var width: Double = 960
  public var height: Double = 420

  public init(
    title: String, xLabel: String, yLabel: String, series: [LineSeries],
    yRange: ClosedRange<Double>? = nil
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.yRange = yRange
  }

  /// The chart as an SVG document.
  public var svg: String {
    let legendWidth = min(
      320, 40 + 7.2 * Double(series.map(\.name.count).max() ?? 0))
    let plot = (left: 70.0, top: 48.0, right: width - legendWidth - 20, bottom: height - 56)
    var canvas = SVGCanvas(width: width, height: height)
    canvas.text(title, width / 2, 26, size: 16, anchor: "middle", weight: "bold")

    let xs = series.flatMap(\.x).filter(\.isFinite)
    let ys = series.flatMap(\.y).filter(\.isFinite)
    let xTicks = niceTicks(low: xs.min() ?? 0, high: xs.max() ?? 1)
    let yTicks =
      yRange.map { niceTicks(low: $0.lowerBound, high: $0.upperBound) }
      ?? niceTicks(low: ys.min() ?? 0, high: ys.max() ?? 1)
    let xLow = xTicks.first!
    let xHigh = xTicks.last!
    let yLow = yRange?.lowerBound ?? yTicks.first!
    let yHigh = yRange?.upperBound ?? yTicks.last!
    func px(_ x: Double) -> Double {
      plot.left + (x - xLow) / max(xHigh - xLow, 1e-12) * (plot.right - plot.left)
    }
    func py(_ y: Double) -> Double {
      plot.bottom - (y - yLow) / max(yHigh - yLow, 1e-12) * (plot.bottom - plot.top)
    }

    // Grid and ticks.
    let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
    let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
    for y in yTicks where y >= yLow - 1e-12 && y <= yHigh + 1e-12 {
      canvas.line(plot.left, py(y), plot.right, py(y), stroke: "#e6e6e6")
      canvas.text(tickLabel(y, step: yStep), plot.left - 8, py(y) + 4, size: 11, anchor: "end")
    }
    for x in xTicks {
      canvas.line(px(x), plot.bottom, px(x), plot.bottom + 5, stroke: "#444444")
      canvas.text(tickLabel(x, step: xStep), px(x), plot.bottom + 19, size: 11, anchor: "middle")
    }
    canvas.line(plot.left, plot.bottom, plot.right, plot.bottom, stroke: "#444444")
    canvas.line(plot.left, plot.top, plot.left, plot.bottom, stroke: "#444444")
    canvas.text(xLabel, (plot.left + plot.right) / 2, height - 14, size: 13, anchor: "middle")
    canvas.text(
      yLabel, 18, (plot.top + plot.bottom) / 2, size: 13, anchor: "middle", rotate: -90)

    // Lines (split at NaN), with dots when a series has few points.
    for (index, s) in series.enumerated() {
      let colour = SVGCanvas.palette[index % SVGCanvas.palette.count]
      var run: [(Double, Double)] = []
      var pieces: [[(Double, Double)]] = []
      for (x, y) in zip(s.x, s.y) {
        if x.isFinite && y.isFinite {
          run.append((px(x), py(min(max(y, yLow), yHigh))))
        } else if !run.isEmpty {
          pieces.append(run)
          run = []
        }
      }
      if !run.isEmpty { pieces.append(run) }
      for piece in pieces {
        canvas.polyline(
          piece, stroke: colour, dash: s.dashed ? "6 4" : nil, id: "series-\(index)")
        if s.x.count <= 30 {
          for point in piece { canvas.circle(point.0, point.1, radius: 2.5, fill: colour) }
        }
      }
    }

    // Legend.
    let legendX = plot.right + 20
    for (index, s) in series.enumerated() {
      let colour = SVGCanvas.palette[index % SVGCanvas.palette.count]
      let y = plot.top + 8 + Double(index) * 22
      canvas.line(
        legendX, y, legendX + 26, y, stroke: colour, width: 2.5, dash: s.dashed ? "6 4" : nil)
      canvas.text(s.name, legendX + 34, y + 4, size: 12)
    }
    return canvas.document
  }
}
