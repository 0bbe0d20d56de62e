import Foundation

/// A minimal SVG writer: elements appended as text, every text node and attribute
/// escaped, so the output is well-formed XML.
struct SVGCanvas {
  let width: Double
  let height: Double
  private(set) var body: [String] = []

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// Colour-blind-safe palette (Okabe-Ito), one colour per series.
  static let palette = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
  ]

  mutating func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
    dash: String? = nil
  ) {
    body.append(
      "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\""
        + " stroke-width=\"\(f(width))\"" + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")
        + "/>")
  }

  mutating func polyline(
    _ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil,
    id: String? = nil
  ) {
    let coordinates = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
    body.append(
      "<polyline" + (id.map { " id=\"\(SVGCanvas.escape($0))\"" } ?? "")
        + " points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\""
        + " stroke-width=\"\(f(width))\" stroke-linejoin=\"round\""
        + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
  }

  mutating func rect(
    _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil,
    title: String? = nil
  ) {
    let open =
      "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(w, 0)))\" height=\"\(f(max(h, 0)))\""
      + " fill=\"\(fill)\"" + (stroke.map { " stroke=\"\($0)\"" } ?? "")
    if let title {
      body.append(open + "><title>\(SVGCanvas.escape(title))</title></rect>")
    } else {
      body.append(open + "/>")
    }
  }

  mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: String) {
    body.append("<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(radius))\" fill=\"\(fill)\"/>")
  }

  mutating func text(
    _ string: String, _ x: Double, _ y: Double, size: Double = 12, anchor: String = "start",
    weight: String = "normal", rotate: Double? = nil, fill: String = "#222222"
  ) {
    let transform = rotate.map { " transform=\"rotate(\(f($0)) \(f(x)) \(f(y)))\"" } ?? ""
    body.append(
      "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\" text-anchor=\"\(anchor)\""
        + " font-weight=\"\(weight)\" fill=\"\(fill)\"\(transform)>"
        + SVGCanvas.escape(string) + "</text>")
  }

  /// The finished document.
  var document: String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\""
      + " viewBox=\"0 0 \(f(width)) \(f(height))\""
      + " font-family=\"Helvetica, Arial, sans-serif\">\n"
      + "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>\n"
      + body.joined(separator: "\n") + "\n</svg>\n"
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(c)
      }
    }
    return out
  }

  /// Coordinates with 2 decimals: enough for a screen, short files.
  private func f(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let rounded = (x * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
  }
}

/// "Nice" axis ticks (steps of 1, 2 or 5 times a power of ten) covering `low...high`.
func niceTicks(low: Double, high: Double, target: Int = 6) -> [Double] {
  guard low.isFinite, high.isFinite else { return [0, 1] }
  let span = high > low ? high - low : max(abs(high), 1)
  let rough = span / Double(max(target - 1, 1))
  let power = pow(10, floor(log10(rough)))
  let step = [1.0, 2.0, 5.0, 10.0].map { $0 * power }.first { $0 >= rough } ?? 10 * power
  let first = floor(low / step) * step
  var ticks: [Double] = []
  // Steps until a tick reaches `high`, so every value lies inside the axis.
  while ticks.count < 2 || ticks.last! < high - step * 1e-9, ticks.count <= 50 {
    let value = first + Double(ticks.count) * step
    ticks.append(abs(value) < step * 1e-9 ? 0 : value)
  }
  return ticks
}

/// A tick label: as few decimals as the step needs.
func tickLabel(_ value: Double, step: Double) -> String {
  let decimals = max(0, min(6, Int(-floor(log10(step) + 1e-9))))
  return String(format: "%.\(decimals)f", value)
}
