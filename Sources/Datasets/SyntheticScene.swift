import Foundation
import Imaging

/// Draws one image of the synthetic dataset: a textured background (the spurious
/// attribute: land or water) with a small foreground shape (the class: round or pointed)
/// and a few distractor specks.
///
/// The background is a strong, global, easy cue (its colour family alone separates the
/// places); the class lives only in the outline of a shape covering a few percent of the
/// image, in a random colour, size, position and rotation, among distractors, so it is
/// learnable but slower to learn than the background. That asymmetry is what makes
/// empirical risk minimisation lean on the background, as birds' backgrounds do in
/// Waterbirds.
enum SyntheticScene {
  /// Renders a `resolution x resolution` image of class `y` (0 = round shape, 1 = pointed
  /// shape) on background `place` (0 = land, 1 = water).
  static func render(
    y: Int, place: Int, resolution: Int, using g: inout AugmentationGenerator
  ) -> RGBImage {
    let n = resolution
    var pixels = [Float](repeating: 0, count: n * n * 3)
    drawBackground(&pixels, size: n, place: place, using: &g)
    drawDistractors(&pixels, size: n, using: &g)
    drawShape(&pixels, size: n, pointed: y == 1, using: &g)

    // Sensor-like noise, then 8 bits.
    var bytes = [UInt8](repeating: 0, count: pixels.count)
    for i in pixels.indices {
      let v = pixels[i] + Float(g.uniform(-6, 6))
      bytes[i] = UInt8(max(0, min(255, v.rounded())))
    }
    return RGBImage(width: n, height: n, pixels: bytes)
  }

  // MARK: - Background: the spurious attribute

  private static let landPalette: [(Float, Float, Float)] = [
    (92, 112, 52), (118, 92, 54), (58, 94, 42), (132, 122, 70),
  ]
  private static let waterPalette: [(Float, Float, Float)] = [
    (44, 92, 160), (40, 124, 146), (32, 64, 124), (70, 120, 178),
  ]

  private static func drawBackground(
    _ p: inout [Float], size n: Int, place: Int, using g: inout AugmentationGenerator
  ) {
    let palette = place == 0 ? landPalette : waterPalette
    let base = palette[g.integer(below: palette.count)]
    let jitter = (Float(g.uniform(-12, 12)), Float(g.uniform(-12, 12)), Float(g.uniform(-12, 12)))
    // Land: blotches (two oblique low-frequency waves) and vertical streaks like stems
    // and trunks. Water: horizontal ripples bent by a slow wave.
    let f1 = g.uniform(1.5, 3.5) * 2 * Double.pi / Double(n)
    let f2 = g.uniform(1.5, 3.5) * 2 * Double.pi / Double(n)
    let phase1 = g.uniform(0, 2 * Double.pi)
    let phase2 = g.uniform(0, 2 * Double.pi)
    let ripple = g.uniform(5, 9) * 2 * Double.pi / Double(n)
    let streakPeriod = max(3, n / (8 + g.integer(below: 6)))
    for yy in 0..<n {
      for xx in 0..<n {
        let x = Double(xx)
        let y = Double(yy)
        var shade: Double
        if place == 0 {
          shade = 18 * sin(f1 * (x + 0.6 * y) + phase1) + 14 * sin(f2 * (0.5 * x - y) + phase2)
          if xx % streakPeriod == 0 { shade -= 22 }
        } else {
          shade = 20 * sin(ripple * y + 2.5 * sin(f1 * x + phase1) + phase2)
          shade += 8 * sin(f2 * x + phase1)
        }
        let s = Float(shade)
        let i = (yy * n + xx) * 3
        p[i] = base.0 + jitter.0 + s
        p[i + 1] = base.1 + jitter.1 + s
        p[i + 2] = base.2 + jitter.2 + (place == 1 ? s * 1.3 : s * 0.6)
      }
    }
  }

  // MARK: - Foreground: the class

  private static func randomColor(using g: inout AugmentationGenerator) -> (Float, Float, Float) {
    // Any hue, fairly saturated and bright, independent of class and place.
    (Float(g.uniform(30, 255)), Float(g.uniform(30, 255)), Float(g.uniform(30, 255)))
  }

  private static func drawDistractors(
    _ p: inout [Float], size n: Int, using g: inout AugmentationGenerator
  ) {
    for _ in 0..<(3 + g.integer(below: 4)) {
      let color = randomColor(using: &g)
      let side = max(1, Int(Double(n) * g.uniform(0.03, 0.08)))
      let top = g.integer(below: n - side + 1)
      let left = g.integer(below: n - side + 1)
      for yy in top..<(top + side) {
        for xx in left..<(left + side) {
          let i = (yy * n + xx) * 3
          (p[i], p[i + 1], p[i + 2]) = color
        }
      }
    }
  }

  /// A round shape (ellipse, aspect 0.65...1) or a pointed one (triangle with jittered
  /// corners), 9-16% of the side in radius, drawn with 4x4 supersampling so its edge is
  /// smooth. These sizes and the 80% opacity set how hard the class is; they were chosen
  /// by eye, not yet tuned against a trained model.
  private static func drawShape(
    _ p: inout [Float], size n: Int, pointed: Bool, using g: inout AugmentationGenerator
  ) {
    let color = randomColor(using: &g)
    let radius = Double(n) * g.uniform(0.09, 0.16)
    let cx = g.uniform(radius + 1, Double(n) - radius - 1)
    let cy = g.uniform(radius + 1, Double(n) - radius - 1)
    let angle = g.uniform(0, 2 * Double.pi)
    let inside: (Double, Double) -> Bool
    if pointed {
      var corners: [(Double, Double)] = []
      for k in 0..<3 {
        let a = angle + Double(k) * 2 * Double.pi / 3 + g.uniform(-0.25, 0.25)
        let r = radius * g.uniform(0.9, 1.1)
        corners.append((cx + r * cos(a), cy + r * sin(a)))
      }
      inside = { x, y in
        var positive = 0
        for k in 0..<3 {
          let (ax, ay) = corners[k]
          let (bx, by) = corners[(k + 1) % 3]
          if (bx - ax) * (y - ay) - (by - ay) * (x - ax) >= 0 { positive += 1 }
        }
        return positive == 0 || positive == 3
      }
    } else {
      let a = radius * 0.85
      let b = a * g.uniform(0.65, 1.0)
      let (c, s) = (cos(angle), sin(angle))
      inside = { x, y in
        let u = ((x - cx) * c + (y - cy) * s) / a
        let v = (-(x - cx) * s + (y - cy) * c) / b
        return u * u + v * v <= 1
      }
    }
    let reach = radius * 1.2
    let rows = max(0, Int(cy - reach) - 1)..<min(n, Int(cy + reach) + 2)
    let columns = max(0, Int(cx - reach) - 1)..<min(n, Int(cx + reach) + 2)
    for yy in rows {
      for xx in columns {
        var covered = 0
        for sy in 0..<4 {
          for sx in 0..<4
          where inside(Double(xx) + (Double(sx) + 0.5) / 4, Double(yy) + (Double(sy) + 0.5) / 4) {
            covered += 1
          }
        }
        if covered == 0 { continue }
        // 80% opaque: the background's texture shows through, which blurs the outline.
        let alpha = 0.8 * Float(covered) / 16
        let i = (yy * n + xx) * 3
        p[i] += alpha * (color.0 - p[i])
        p[i + 1] += alpha * (color.1 - p[i + 1])
        p[i + 2] += alpha * (color.2 - p[i + 2])
      }
    }
  }
}
