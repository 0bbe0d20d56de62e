import Foundation
import Imaging
import TestSupport

/// Loads Tests/Fixtures/transforms (scripts/make_transform_fixtures.py) and recomputes
/// the script's synthetic inputs.
enum TransformFixtures {
  struct Manifest: Decodable {
    struct Eval: Decodable {
      var width: Int
      var height: Int
      var file: String
    }
    struct Resize: Decodable {
      var width: Int
      var height: Int
      var outWidth: Int
      var outHeight: Int
      var file: String
    }
    struct ResizedCrop: Decodable {
      var width: Int
      var height: Int
      var top: Int
      var left: Int
      var cropHeight: Int
      var cropWidth: Int
      var file: String
    }
    var eval: [Eval]
    var resize: [Resize]
    var resizedCrop: [ResizedCrop]
  }

  static func manifest() throws -> Manifest {
    let data = try Data(contentsOf: Fixtures.url("transforms/manifest.json"))
    return try JSONDecoder().decode(Manifest.self, from: data)
  }

  static func bytes(_ file: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: Fixtures.url("transforms/\(file)")))
  }

  static func floats(_ file: String) throws -> [Float] {
    let data = try Data(contentsOf: Fixtures.url("transforms/\(file)"))
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  }

  /// The script's `synthetic_image`: 3/4 of a ramp plus 1/4 of multiplicative-hash noise.
  static func syntheticImage(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<3 {
          let index = (y * width + x) * 3 + c
          let noise = ((index &* 2_654_435_761) % (1 << 32)) >> 24
          let ramp: Int
          switch c {
          case 0: ramp = x * 255 / max(width - 1, 1)
          case 1: ramp = y * 255 / max(height - 1, 1)
          default: ramp = (x + y) * 255 / max(width + height - 2, 1)
          }
          pixels[index] = UInt8(ramp * 3 / 4 + noise / 4)
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// The largest per-sample difference and how many samples differ at all.
  static func compare(_ a: [UInt8], _ b: [UInt8]) -> (maxDifference: Int, differing: Int) {
    precondition(a.count == b.count, "compare: \(a.count) vs \(b.count) bytes")
    var worst = 0
    var differing = 0
    for i in a.indices where a[i] != b[i] {
      differing += 1
      worst = max(worst, abs(Int(a[i]) - Int(b[i])))
    }
    return (worst, differing)
  }
}
