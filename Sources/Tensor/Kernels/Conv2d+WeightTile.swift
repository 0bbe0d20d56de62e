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
  row0[0] = accumulate ? row0[0] + laneSum(c00) : laneSum(c00)
  row0[1] = accumulate ? row0[1] + laneSum(c01) : laneSum(c01)
  row0[2] = accumulate ? row0[2] + laneSum(c02) : laneSum(c02)
  row0[3] = accumulate ? row0[3] + laneSum(c03) : laneSum(c03)
  row0[4] = accumulate ? row0[4] + laneSum(c04) : laneSum(c04)
  row0[5] = accumulate ? row0[5] + laneSum(c05) : laneSum(c05)
  let row1 = out + 1 * outStride
  row1[0] = accumulate ? row1[0] + laneSum(c10) : laneSum(c10)
  row1[1] = accumulate ? row1[1] + laneSum(c11) : laneSum(c11)
  row1[2] = accumulate ? row1[2] + laneSum(c12) : laneSum(c12)
  row1[3] = accumulate ? row1[3] + laneSum(c13) : laneSum(c13)
  row1[4] = accumulate ? row1[4] + laneSum(c14) : laneSum(c14)
  row1[5] = accumulate ? row1[5] + laneSum(c15) : laneSum(c15)
  let row2 = out + 2 * outStride
  row2[0] = accumulate ? row2[0] + laneSum(c20) : laneSum(c20)
  row2[1] = accumulate ? row2[1] + laneSum(c21) : laneSum(c21)
  row2[2] = accumulate ? row2[2] + laneSum(c22) : laneSum(c22)
  row2[3] = accumulate ? row2[3] + laneSum(c23) : laneSum(c23)
  row2[4] = accumulate ? row2[4] + laneSum(c24) : laneSum(c24)
  row2[5] = accumulate ? row2[5] + laneSum(c25) : laneSum(c25)
  let row3 = out + 3 * outStride
  row3[0] = accumulate ? row3[0] + laneSum(c30) : laneSum(c30)
  row3[1] = accumulate ? row3[1] + laneSum(c31) : laneSum(c31)
  row3[2] = accumulate ? row3[2] + laneSum(c32) : laneSum(c32)
  row3[3] = accumulate ? row3[3] + laneSum(c33) : laneSum(c33)
  row3[4] = accumulate ? row3[4] + laneSum(c34) : laneSum(c34)
  row3[5] = accumulate ? row3[5] + laneSum(c35) : laneSum(c35)
}
