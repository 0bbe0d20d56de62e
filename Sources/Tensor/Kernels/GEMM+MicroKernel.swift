// The register tile of every fast GEMM and convolution: an 8 x 48 block of C held in
// 24 `SIMD16<Float>` accumulators (8 rows x 3 vectors), updated once per step of the
// reduction with 3 vector loads of B, 8 broadcasts of A and 24 fused multiply-adds.
//
// Why 8 x 48: AVX-512 has 32 vector registers; 24 accumulators + 3 B vectors + a
// broadcast fit without spilling, and 24 independent FMAs per step hide the FMA
// latency (4 cycles, 2 per cycle on Zen 4). 8 rows also divide the channel counts of
// ResNet50 (64..2048) and 48 columns the DeiT widths (192, 384, 768, 1152, 1536).
// Compiled for AVX2 only (16 registers), the same code is correct but spills.

/// Rows of the register tile (a micro-panel of packed A has this many rows).
let gemmTileRows = 8
/// Columns of the register tile: 3 vectors of 16 floats.
let gemmTileColumns = 48

/// `tile[8 x 48] = A_panel[8 x depth] * B[depth x 48]`, overwriting `tile` (row-major,
/// 48 floats per row). `a` is a packed micro-panel: for each step `p` of the reduction,
/// the 8 values of column `p` of A, contiguous. Row `p` of B is the 48 floats at
/// `b + rowOffsets[p]`, so the same kernel reads packed panels (offsets `p * 48`) and
/// the shifted planes of a convolution (one offset per filter tap).
@inline(__always)
func gemmMicroKernel(
  depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, tile: UnsafeMutablePointer<Float>
) {
  var c00 = SIMD16<Float>()
  var c01 = SIMD16<Float>()
  var c02 = SIMD16<Float>()
  var c10 = SIMD16<Float>()
  var c11 = SIMD16<Float>()
  var c12 = SIMD16<Float>()
  var c20 = SIMD16<Float>()
  var c21 = SIMD16<Float>()
  var c22 = SIMD16<Float>()
  var c30 = SIMD16<Float>()
  var c31 = SIMD16<Float>()
  var c32 = SIMD16<Float>()
  var c40 = SIMD16<Float>()
  var c41 = SIMD16<Float>()
  var c42 = SIMD16<Float>()
  var c50 = SIMD16<Float>()
  var c51 = SIMD16<Float>()
  var c52 = SIMD16<Float>()
  var c60 = SIMD16<Float>()
  var c61 = SIMD16<Float>()
  var c62 = SIMD16<Float>()
  var c70 = SIMD16<Float>()
  var c71 = SIMD16<Float>()
  var c72 = SIMD16<Float>()
  var a = a
  for p in 0..<depth {
    let row = UnsafeRawPointer(b + rowOffsets[p])
    let b0 = row.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    let b1 = row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    let b2 = row.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    let a0 = SIMD16<Float>(repeating: a[0])
    c00.addProduct(a0, b0)
    c01.addProduct(a0, b1)
    c02.addProduct(a0, b2)
    let a1 = SIMD16<Float>(repeating: a[1])
    c10.addProduct(a1, b0)
    c11.addProduct(a1, b1)
    c12.addProduct(a1, b2)
    let a2 = SIMD16<Float>(repeating: a[2])
    c20.addProduct(a2, b0)
    c21.addProduct(a2, b1)
    c22.addProduct(a2, b2)
    let a3 = SIMD16<Float>(repeating: a[3])
    c30.addProduct(a3, b0)
    c31.addProduct(a3, b1)
    c32.addProduct(a3, b2)
    let a4 = SIMD16<Float>(repeating: a[4])
    c40.addProduct(a4, b0)
    c41.addProduct(a4, b1)
    c42.addProduct(a4, b2)
    let a5 = SIMD16<Float>(repeating: a[5])
    c50.addProduct(a5, b0)
    c51.addProduct(a5, b1)
    c52.addProduct(a5, b2)
    let a6 = SIMD16<Float>(repeating: a[6])
    c60.addProduct(a6, b0)
    c61.addProduct(a6, b1)
    c62.addProduct(a6, b2)
    let a7 = SIMD16<Float>(repeating: a[7])
    c70.addProduct(a7, b0)
    c71.addProduct(a7, b1)
    c72.addProduct(a7, b2)
    a += 8
  }
  let out = UnsafeMutableRawPointer(tile)
  out.storeBytes(of: c00, toByteOffset: 0, as: SIMD16<Float>.self)
  out.storeBytes(of: c01, toByteOffset: 64, as: SIMD16<Float>.self)
  out.storeBytes(of: c02, toByteOffset: 128, as: SIMD16<Float>.self)
  out.storeBytes(of: c10, toByteOffset: 192, as: SIMD16<Float>.self)
  out.storeBytes(of: c11, toByteOffset: 256, as: SIMD16<Float>.self)
  out.storeBytes(of: c12, toByteOffset: 320, as: SIMD16<Float>.self)
  out.storeBytes(of: c20, toByteOffset: 384, as: SIMD16<Float>.self)
  out.storeBytes(of: c21, toByteOffset: 448, as: SIMD16<Float>.self)
  out.storeBytes(of: c22, toByteOffset: 512, as: SIMD16<Float>.self)
  out.storeBytes(of: c30, toByteOffset: 576, as: SIMD16<Float>.self)
  out.storeBytes(of: c31, toByteOffset: 640, as: SIMD16<Float>.self)
  out.storeBytes(of: c32, toByteOffset: 704, as: SIMD16<Float>.self)
  out.storeBytes(of: c40, toByteOffset: 768, as: SIMD16<Float>.self)
  out.storeBytes(of: c41, toByteOffset: 832, as: SIMD16<Float>.self)
  out.storeBytes(of: c42, toByteOffset: 896, as: SIMD16<Float>.self)
  out.storeBytes(of: c50, toByteOffset: 960, as: SIMD16<Float>.self)
  out.storeBytes(of: c51, toByteOffset: 1024, as: SIMD16<Float>.self)
  out.storeBytes(of: c52, toByteOffset: 1088, as: SIMD16<Float>.self)
  out.storeBytes(of: c60, toByteOffset: 1152, as: SIMD16<Float>.self)
  out.storeBytes(of: c61, toByteOffset: 1216, as: SIMD16<Float>.self)
  out.storeBytes(of: c62, toByteOffset: 1280, as: SIMD16<Float>.self)
  out.storeBytes(of: c70, toByteOffset: 1344, as: SIMD16<Float>.self)
  out.storeBytes(of: c71, toByteOffset: 1408, as: SIMD16<Float>.self)
  out.storeBytes(of: c72, toByteOffset: 1472, as: SIMD16<Float>.self)
}
