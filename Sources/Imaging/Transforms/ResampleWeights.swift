import Foundation

/// Fixed-point weights of Pillow's antialiased bilinear filter along one axis.
///
/// This reproduces `precompute_coeffs` and `normalize_coeffs_8bpc` of Pillow's
/// `src/libImaging/Resample.c` for a whole-axis box: output sample `o` reads the input
/// samples `start[o] ..< start[o] + count[o]` with weights `weights[o * taps + k]`, each a
/// real weight times 2^22 rounded half away from zero. When shrinking, the triangle
/// filter is stretched by the scale factor (support = scale), which is Pillow's
/// antialiasing; when enlarging, the support is one input sample.
public struct ResampleWeights: Sendable {
  /// Pillow's `PRECISION_BITS = 32 - 8 - 2`: 8 bits of data and 2 spare bits for
  /// filters whose partial sums overshoot.
  public static let precisionBits = 22

  public let inputSize: Int
  public let outputSize: Int
  /// The stride between the weight rows of two outputs (Pillow's `ksize`).
  public let taps: Int
  public internal(set) var start: [Int]
  public internal(set) var count: [Int]
  public internal(set) var weights: [Int32]

  /// Weights mapping `inputSize` samples to `outputSize` samples over the input range
  /// `origin ..< origin + extent` (Pillow's `box`; the whole axis by default).
  public init(inputSize: Int, outputSize: Int, origin: Double = 0, extent: Double? = nil) {
    precondition(inputSize > 0 && outputSize > 0, "ResampleWeights: \(inputSize)->\(outputSize)")
    self.inputSize = inputSize
    self.outputSize = outputSize
    let extent = extent ?? Double(inputSize)

    // Pillow computes in double from float box edges; whole-pixel boxes are exact.
    let scale = extent / Double(outputSize)
    let filterScale = max(scale, 1.0)
    let support = 1.0 * filterScale  // the bilinear (triangle) filter's support is 1
    let taps = Int(support.rounded(.up)) * 2 + 1
    self.taps = taps
    start = [Int](repeating: 0, count: outputSize)
    count = [Int](repeating: 0, count: outputSize)
    weights = [Int32](repeating: 0, count: outputSize * taps)

    var real = [Double](repeating: 0, count: taps)
    let inverseScale = 1.0 / filterScale
    for o in 0..<outputSize {
      let center = origin + (Double(o) + 0.5) * scale
      // C's `(int)` truncates toward zero; the clamp makes negative cases irrelevant.
      let first = max(Int(center - support + 0.5), 0)
      let end = min(Int(center + support + 0.5), inputSize)
      let n = end - first
      var sum = 0.0
      for k in 0..<n {
        let w = triangle((Double(k + first) - center + 0.5) * inverseScale)
        real[k] = w
        sum += w
      }
      for k in 0..<n {
        let w = sum != 0 ? real[k] / sum : real[k]
        // normalize_coeffs_8bpc: round half away from zero, truncating conversion.
        let scaled = w * Double(1 << Self.precisionBits)
        weights[o * taps + k] = Int32(w < 0 ? scaled - 0.5 : scaled + 0.5)
      }
      start[o] = first
      count[o] = n
    }
  }

  /// The same weights with every output reading exactly `taps` inputs: windows that
  /// would pass the end start earlier, with zero weights on the extra inputs. Nil when the
  /// input is shorter than `taps`.
  func fixedTaps() -> (start: [Int], weights: [Int32])? {
    guard inputSize >= taps else { return nil }
    var start = self.start
    var padded = [Int32](repeating: 0, count: outputSize * taps)
    for o in 0..<outputSize {
      let shifted = min(start[o], inputSize - taps)
      let offset = start[o] - shifted
      for k in 0..<count[o] { padded[o * taps + offset + k] = weights[o * taps + k] }
      start[o] = shifted
    }
    return (start, padded)
  }

  private func triangle(_ x: Double) -> Double {
    let a = abs(x)
    return a < 1 ? 1 - a : 0
  }
}

extension Int32 {
  /// Pillow's `clip8`: drops the fixed-point fraction and clamps to 0...255.
  @inline(__always) var clippedToByte: UInt8 {
    let v = self >> Int32(ResampleWeights.precisionBits)
    return v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(truncatingIfNeeded: v))
  }
}
