// The 8 x 48 register tile for CPUs with 16 vector registers (AVX2, and NEON's 32
// registers of 4 lanes): four passes over the reduction, each a 4 x 24 quarter of the
// tile in 12 `SIMD8<Float>` accumulators, with 3 loads of B and 4 broadcasts of A per
// step: 12 + 3 + 1 registers. Every element of C sees the same fused multiply-adds in
// the same order as in the wide kernel, so both give bitwise the same tile.

/// `gemmMicroKernel` for 16 vector registers; see the file comment.
@inline(__always)
func gemmMicroKernelNarrow(
  depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, tile: UnsafeMutablePointer<Float>, tileStride: Int,
  accumulate: Bool = false
) {
  // Rows 0-3 then 4-7, each for columns 0-23 then 24-47: a quarter's B (depth x 24
  // floats) is read again by the next row half from L1 or L2.
  for rows in stride(from: 0, to: 8, by: 4) {
    for columns in stride(from: 0, to: 48, by: 24) {
      gemmQuarterKernel(
        depth: depth, a: a + rows, b: b + columns, rowOffsets: rowOffsets,
        tile: tile + rows * tileStride + columns, tileStride: tileStride,
        accumulate: accumulate)
    }
  }
}

/// `tile[4 x 24] (+)= A[4 x depth] * B[depth x 24]`: A's column `p` is at `a + 8 p`
/// (4 of a packed panel's 8 rows), B's row `p` at `b + rowOffsets[p]`.
@inline(__always)
private func gemmQuarterKernel(
  depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, tile: UnsafeMutablePointer<Float>, tileStride: Int,
  accumulate: Bool
) {
  var c00 = SIMD8<Float>()
  var c01 = SIMD8<Float>()
  var c02 = SIMD8<Float>()
  var c10 = SIMD8<Float>()
  var c11 = SIMD8<Float>()
  var c12 = SIMD8<Float>()
  var c20 = SIMD8<Float>()
  var c21 = SIMD8<Float>()
  var c22 = SIMD8<Float>()
  var c30 = SIMD8<Float>()
  var c31 = SIMD8<Float>()
  var c32 = SIMD8<Float>()
  if accumulate {
    let from0 = UnsafeRawPointer(tile + 0 * tileStride)
    c00 = from0.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
    c01 = from0.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    c02 = from0.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
    let from1 = UnsafeRawPointer(tile + 1 * tileStride)
    c10 = from1.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
    c11 = from1.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    c12 = from1.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
    let from2 = UnsafeRawPointer(tile + 2 * tileStride)
    c20 = from2.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
    c21 = from2.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    c22 = from2.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
    let from3 = UnsafeRawPointer(tile + 3 * tileStride)
    c30 = from3.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
    c31 = from3.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    c32 = from3.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
  }
  var a = a
  for p in 0..<depth {
    let row = UnsafeRawPointer(b + rowOffsets[p])
    let b0 = row.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
    let b1 = row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
    let b2 = row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
    let a0 = SIMD8<Float>(repeating: a[0])
    c00.addProduct(a0, b0)
    c01.addProduct(a0, b1)
    c02.addProduct(a0, b2)
    let a1 = SIMD8<Float>(repeating: a[1])
    c10.addProduct(a1, b0)
    c11.addProduct(a1, b1)
    c12.addProduct(a1, b2)
    let a2 = SIMD8<Float>(repeating: a[2])
    c20.addProduct(a2, b0)
    c21.addProduct(a2, b1)
    c22.addProduct(a2, b2)
    let a3 = SIMD8<Float>(repeating: a[3])
    c30.addProduct(a3, b0)
    c31.addProduct(a3, b1)
    c32.addProduct(a3, b2)
    a += 8
  }
  let row0 = UnsafeMutableRawPointer(tile + 0 * tileStride)
  row0.storeBytes(of: c00, toByteOffset: 0, as: SIMD8<Float>.self)
  row0.storeBytes(of: c01, toByteOffset: 32, as: SIMD8<Float>.self)
  row0.storeBytes(of: c02, toByteOffset: 64, as: SIMD8<Float>.self)
  let row1 = UnsafeMutableRawPointer(tile + 1 * tileStride)
  row1.storeBytes(of: c10, toByteOffset: 0, as: SIMD8<Float>.self)
  row1.storeBytes(of: c11, toByteOffset: 32, as: SIMD8<Float>.self)
  row1.storeBytes(of: c12, toByteOffset: 64, as: SIMD8<Float>.self)
  let row2 = UnsafeMutableRawPointer(tile + 2 * tileStride)
  row2.storeBytes(of: c20, toByteOffset: 0, as: SIMD8<Float>.self)
  row2.storeBytes(of: c21, toByteOffset: 32, as: SIMD8<Float>.self)
  row2.storeBytes(of: c22, toByteOffset: 64, as: SIMD8<Float>.self)
  let row3 = UnsafeMutableRawPointer(tile + 3 * tileStride)
  row3.storeBytes(of: c30, toByteOffset: 0, as: SIMD8<Float>.self)
  row3.storeBytes(of: c31, toByteOffset: 32, as: SIMD8<Float>.self)
  row3.storeBytes(of: c32, toByteOffset: 64, as: SIMD8<Float>.self)
}
