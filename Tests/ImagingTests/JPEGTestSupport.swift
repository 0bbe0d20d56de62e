import Foundation
import Imaging
import TestSupport

/// Helpers shared by the JPEG test suites.
enum JPEGFixtures {
  /// Rows of a fixture index.tsv (file, width, height, ...), read from
  /// Tests/Fixtures/jpeg/<folder>.
  static func index(_ folder: String = "") throws -> [(name: String, width: Int, height: Int)] {
    let url = Fixtures.url("jpeg").appendingPathComponent(folder).appendingPathComponent(
      "index.tsv")
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
      let fields = line.split(separator: "\t").map(String.init)
      return (fields[0], Int(fields[1])!, Int(fields[2])!)
    }
  }

  static func bytes(_ path: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: Fixtures.url("jpeg").appendingPathComponent(path)))
  }

  /// The largest per-channel difference of two equally sized images.
  static func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
    precondition(a.count == b.count, "maxDifference: \(a.count) vs \(b.count) samples")
    var worst = 0
    for i in a.indices { worst = max(worst, abs(Int(a[i]) - Int(b[i]))) }
    return worst
  }

  /// Peak signal-to-noise ratio in dB between two equally sized images.
  static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
    precondition(a.count == b.count, "psnr: \(a.count) vs \(b.count) samples")
    var sum = 0.0
    for i in a.indices {
      let d = Double(a[i]) - Double(b[i])
      sum += d * d
    }
    let mse = sum / Double(a.count)
    return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
  }

  /// A deterministic test card: gradients, a saturated disc, a bar and a checker pattern.
  static func testCard(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        let p = (y * width + x) * 3
        let dx = Double(x) - Double(width) * 0.6
        let dy = Double(y) - Double(height) * 0.4
        let radius = Double(min(width, height)) * 0.3
        if dx * dx + dy * dy < radius * radius {
          pixels[p] = 220
          pixels[p + 1] = 30
          pixels[p + 2] = 50
        } else {
          pixels[p] = UInt8(255 * x / max(width - 1, 1))
          pixels[p + 1] = UInt8(255 * y / max(height - 1, 1))
          pixels[p + 2] = (x / 8 + y / 8) % 2 == 0 ? 90 : 160
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }
}
