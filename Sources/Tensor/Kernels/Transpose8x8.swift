/// Eight vectors of 8 floats, the rows of an 8 x 8 block.
typealias Block8x8 = (
  SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
  SIMD8<Float>, SIMD8<Float>
)

/// The 8 x 8 block `v` transposed: lane r of result c is lane c of `v` row r.
///
/// The transpose is three perfect unshuffles of the block's 64 indices: each pass keeps
/// the even then the odd elements of each pair of vectors, which rotates the 6 index
/// bits (row, column) right by one; three passes swap row and column. The halves of
/// `SIMD16` become two-source permutes.
@inline(__always)
func transposed8x8(_ block: Block8x8) -> Block8x8 {
  var v = block
  for _ in 0..<3 {
    let p0 = SIMD16(lowHalf: v.0, highHalf: v.1)
    let p1 = SIMD16(lowHalf: v.2, highHalf: v.3)
    let p2 = SIMD16(lowHalf: v.4, highHalf: v.5)
    let p3 = SIMD16(lowHalf: v.6, highHalf: v.7)
    v = (
      p0.evenHalf, p1.evenHalf, p2.evenHalf, p3.evenHalf, p0.oddHalf, p1.oddHalf, p2.oddHalf,
      p3.oddHalf
    )
  }
  return v
}

/// Copies the 8 x 8 block at `source` (rows `sourceStride` apart) transposed to
/// `target` (rows `targetStride` apart): `target[c][r] = source[r][c]`.
///
/// Packing a row-major A (or a transposed B) gathers 8 rows into each step of a
/// micro-panel; done one float at a time it cost about 15% of a GEMM with n = 384.
@inline(__always)
func transpose8x8(
  _ source: UnsafePointer<Float>, sourceStride: Int, _ target: UnsafeMutablePointer<Float>,
  targetStride: Int
) {
  func load(_ r: Int) -> SIMD8<Float> {
    UnsafeRawPointer(source + r * sourceStride).loadUnaligned(as: SIMD8<Float>.self)
  }
  let v = transposed8x8(
    (load(0), load(1), load(2), load(3), load(4), load(5), load(6), load(7)))
  func store(_ value: SIMD8<Float>, _ c: Int) {
    UnsafeMutableRawPointer(target + c * targetStride).storeBytes(of: value, as: SIMD8<Float>.self)
  }
  store(v.0, 0)
  store(v.1, 1)
  store(v.2, 2)
  store(v.3, 3)
  store(v.4, 4)
  store(v.5, 5)
  store(v.6, 6)
  store(v.7, 7)
}
