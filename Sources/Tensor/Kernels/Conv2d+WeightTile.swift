// The register tile of the convolution's weight gradient: 4 output channels x 6
// reduction rows (c, ky, kx) of gradWeight, each a dot product over the output grid,
// held as 24 `SIMD16<Float>` partial sums (16 grid positions per lane) and summed
// across lanes once at the end. Per 16 grid positions: 4 loads of the gradient, 6
// unaligned loads of the shifted planes, 24 fused multiply-adds.

/// Rows (output channels) of the weight-gradient tile.
let convWeightTileRows = 4
/// Columns (reduction rows c, ky, kx) of the weight-gradient tile.
let convWeightTileColumns = 6

/// `out[i, j] (+)= sum over v < 16 * vectors of grads[i * gradStride + v] *
/// planes[offsets[j] + v]` for i < 4, j < 6; `out` rows are `outStride` apart. Adds to
/// `out` when `accumulate`, else overwrites.
@inline(__always)
func convWeightGradientTile(
  vectors: Int, grads: UnsafePointer<Float>, gradStride: Int, planes: UnsafePointer<Float>,
  offsets: UnsafePointer<Int>, out: UnsafeMutablePointer<Float>, outStride: Int,
  accumulate: Bool
) {
  let g0 = UnsafeRawPointer(grads + 0 * gradStride)
  let g1 = UnsafeRawPointer(grads + 1 * gradStride)
  let g2 = UnsafeRawPointer(grads + 2 * gradStride)
  let g3 = UnsafeRawPointer(grads + 3 * gradStride)
  let q0 = UnsafeRawPointer(planes + offsets[0])
  let q1 = UnsafeRawPointer(planes + offsets[1])
  let q2 = UnsafeRawPointer(planes + offsets[2])
  let q3 = UnsafeRawPointer(planes + offsets[3])
  let q4 = UnsafeRawPointer(planes + offsets[4])
  let q5 = UnsafeRawPointer(planes + offsets[5])
  var c00 = SIMD16<Float>()
  var c01 = SIMD16<Float>()
  var c02 = SIMD16<Float>()
  var c03 = SIMD16<Float>()
  var c04 = SIMD16<Float>()
  var c05 = SIMD16<Float>()
  var c10 = SIMD16<Float>()
  var c11 = SIMD16<Float>()
  var c12 = SIMD16<Float>()
  var c13 = SIMD16<Float>()
  var c14 = SIMD16<Float>()
  var c15 = SIMD16<Float>()
  var c20 = SIMD16<Float>()
  var c21 = SIMD16<Float>()
  var c22 = SIMD16<Float>()
  var c23 = SIMD16<Float>()
  var c24 = SIMD16<Float>()
  var c25 = SIMD16<Float>()
  var c30 = SIMD16<Float>()
  var c31 = SIMD16<Float>()
  var c32 = SIMD16<Float>()
  var c33 = SIMD16<Float>()
  var c34 = SIMD16<Float>()
  var c35 = SIMD16<Float>()
  for v in 0..<vectors {
    let offset = 64 * v
    let a0 = g0.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    let a1 = g1.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    let a2 = g2.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    let a3 = g3.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    let b0 = q0.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    c00.addProduct(a0, b0)
    c10.addProduct(a1, b0)
    c20.addProduct(a2, b0)
    c30.addProduct(a3, b0)
    let b1 = q1.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    c01.addProduct(a0, b1)
    c11.addProduct(a1, b1)
    c21.addProduct(a2, b1)
    c31.addProduct(a3, b1)
    let b2 = q2.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    c02.addProduct(a0, b2)
    c12.addProduct(a1, b2)
    c22.addProduct(a2, b2)
    c32.addProduct(a3, b2)
    let b3 = q3.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    c03.addProduct(a0, b3)
    c13.addProduct(a1, b3)
    c23.addProduct(a2, b3)
    c33.addProduct(a3, b3)
    let b4 = q4.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    c04.addProduct(a0, b4)
    c14.addProduct(a1, b4)
    c24.addProduct(a2, b4)
    c34.addProduct(a3, b4)
    let b5 = q5.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
    c05.addProduct(a0, b5)
    c15.addProduct(a1, b5)
    c25.addProduct(a2, b5)
    c35.addProduct(a3, b5)
  }
  let row0 = out + 0 * outStride
  row0[0] = accumulate ? row0[0] + c00.sum() : c00.sum()
  row0[1] = accumulate ? row0[1] + c01.sum() : c01.sum()
  row0[2] = accumulate ? row0[2] + c02.sum() : c02.sum()
  row0[3] = accumulate ? row0[3] + c03.sum() : c03.sum()
  row0[4] = accumulate ? row0[4] + c04.sum() : c04.sum()
  row0[5] = accumulate ? row0[5] + c05.sum() : c05.sum()
  let row1 = out + 1 * outStride
  row1[0] = accumulate ? row1[0] + c10.sum() : c10.sum()
  row1[1] = accumulate ? row1[1] + c11.sum() : c11.sum()
  row1[2] = accumulate ? row1[2] + c12.sum() : c12.sum()
  row1[3] = accumulate ? row1[3] + c13.sum() : c13.sum()
  row1[4] = accumulate ? row1[4] + c14.sum() : c14.sum()
  row1[5] = accumulate ? row1[5] + c15.sum() : c15.sum()
  let row2 = out + 2 * outStride
  row2[0] = accumulate ? row2[0] + c20.sum() : c20.sum()
  row2[1] = accumulate ? row2[1] + c21.sum() : c21.sum()
  row2[2] = accumulate ? row2[2] + c22.sum() : c22.sum()
  row2[3] = accumulate ? row2[3] + c23.sum() : c23.sum()
  row2[4] = accumulate ? row2[4] + c24.sum() : c24.sum()
  row2[5] = accumulate ? row2[5] + c25.sum() : c25.sum()
  let row3 = out + 3 * outStride
  row3[0] = accumulate ? row3[0] + c30.sum() : c30.sum()
  row3[1] = accumulate ? row3[1] + c31.sum() : c31.sum()
  row3[2] = accumulate ? row3[2] + c32.sum() : c32.sum()
  row3[3] = accumulate ? row3[3] + c33.sum() : c33.sum()
  row3[4] = accumulate ? row3[4] + c34.sum() : c34.sum()
  row3[5] = accumulate ? row3[5] + c35.sum() : c35.sum()
}
