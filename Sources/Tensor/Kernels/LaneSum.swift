/// The sum of the 16 lanes of `v`, lane 0 first: exactly what `SIMD.sum()` computes
/// (it starts from -0 and adds lane by lane), but always inlined. The standard
/// library's `sum()` was compiled as an out-of-line call through the generic `SIMD`
/// code; the weight-gradient tile ends with 24 of them, and in a ResNet50 training step
/// they took 6% of the time (`perf` on `spurious bench model --mode train`).
@inline(__always)
func laneSum(_ v: SIMD16<Float>) -> Float {
  var total: Float = -0.0
  for lane in 0..<16 { total += v[lane] }
  return total
}

/// The sum of the 8 lanes of `v`, lane 0 first, as `laneSum` of 16 lanes.
@inline(__always)
func laneSum(_ v: SIMD8<Float>) -> Float {
  var total: Float = -0.0
  for lane in 0..<8 { total += v[lane] }
  return total
}
