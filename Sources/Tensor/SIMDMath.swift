// Vectorised transcendental functions for the element-wise ops, on sixteen lanes.

/// `e^x` for each lane, within about 2 ULP of the exact value on [-87.3, 88.3].
///
/// Cephes' `expf` scheme: write `x = n ln2 + r` with integer `n` and `|r| <= ln2 / 2`
/// (ln2 split into a high and low part so `n ln2` is exact), approximate `e^r` by a
/// degree-7 polynomial, then scale by `2^n` built directly in the exponent bits.
/// Below -87.3 the result is 0 (the exact value is subnormal); above 88.3 it is
/// clamped to `e^88.3` rather than overflowing.
@inline(__always)
func simdExp(_ x: SIMD16<Float>) -> SIMD16<Float> {
  let lower: Float = -87.33654
  let clamped = x.clamped(lowerBound: SIMD16(repeating: lower), upperBound: SIMD16(repeating: 88.3))

  // n = round(x / ln2), by adding 1.5 * 2^23 so the float's low bits hold n.
  let magic: Float = 12_582_912
  let shifted = clamped * 1.442_695_04 + magic
  let n = shifted - magic
  var r = clamped - n * 0.693_359_375
  r = r + n * 2.121_944_4e-4

  var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
  p = p * r + 1.398_199_950_7e-3
  p = p * r + 8.333_451_907_3e-3
  p = p * r + 4.166_579_589_4e-2
  p = p * r + 1.666_666_545_9e-1
  p = p * r + 5.000_000_120_1e-1
  let y = p * (r * r) + r + 1

  // 2^n: the exponent field is n + 127; the low bits of `shifted` are n + 0x400000.
  let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self)
  let scaleBits = (bits &- 0x4B40_0000 &+ 127) &<< 23
  let scale = unsafeBitCast(scaleBits, to: SIMD16<Float>.self)
  var result = y * scale
  result.replace(with: 0, where: x .< lower)
  return result
}

/// `e^x` for one value, the same approximation as the vector version so a tensor's
/// tail lanes agree with its body.
@inline(__always)
func expScalar(_ x: Float) -> Float {
  simdExp(SIMD16<Float>(repeating: x))[0]
}
