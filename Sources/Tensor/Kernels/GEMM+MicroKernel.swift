// The register tile of every fast GEMM and convolution: an 8 x 48 block of C held in
// 24 `SIMD16<Float>` accumulators (8 rows x 3 vectors), updated once per step of the
// reduction with 3 vector loads of B, 8 broadcasts of A and 24 fused multiply-adds.
//
// Why 8 x 48: AVX-512 has 32 vector registers; 24 accumulators + 3 B vectors + a
// broadcast fit without spilling, and 24 independent FMAs per step hide the FMA
// latency (4 cycles, 2 per cycle on Zen 4). 8 rows also divide the channel counts of
// ResNet50 (64..2048) and 48 columns the DeiT widths (192, 384, 768, 1152, 1536).
// Compiled for AVX2 (16 registers) the same code spills and ran at half of peak, so
// builds without AVX-512 (Package.swift defines AVX512 only for targets that have it)
// compute the same 8 x 48 tile in four 4 x 24 quarters (GEMM+MicroKernelNarrow.swift).

/// Rows of the register tile (a micro-panel of packed A has this many rows).
let gemmTileRows = 8
/// Columns of the register tile: 3 vectors of 16 floats.
let gemmTileColumns = 48

/// `tile[8 x 48] (+)= A_panel[8 x depth] * B[depth x 48]`, adding to `tile` when
/// `accumulate`, else overwriting it (row-major, `tileStride` floats from one row to
/// the next). `a` is a packed micro-panel: for each step `p` of the reduction, the 8
/// values of column `p` of A, contiguous. Row `p` of B is the 48 floats at
/// `b + rowOffsets[p]`, so the same kernel reads packed panels (offsets `p * 48`) and
/// the shifted planes of a convolution (one offset per filter tap).
@inline(__always)
func gemmMicroKernel(
  depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, tile: UnsafeMutablePointer<Float>, tileStride: Int,
  accumulate: Bool = false
) {
  #if AVX512
    gemmMicroKernelWide(
      depth: depth, a: a, b: b, rowOffsets: rowOffsets, tile: tile, tileStride: tileStride,
      accumulate: accumulate)
  #else
    gemmMicroKernelNarrow(
      depth: depth, a: a, b: b, rowOffsets: rowOffsets, tile: tile, tileStride: tileStride,
      accumulate: accumulate)
  #endif
}

/// `gemmMicroKernel` in 24 `SIMD16<Float>` accumulators, for 32 vector registers.
@inline(__always)
func gemmMicroKernelWide(
  depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
  rowOffsets: UnsafePointer<Int>, tile: UnsafeMutablePointer<Float>, tileStride: Int,
  accumulate: Bool = false
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
  if accumulate {
    let from0 = UnsafeRawPointer(tile + 0 * tileStride)
    c00 = from0.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    c01 = from0.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    c02 = from0.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    let from1 = UnsafeRawPointer(tile + 1 * tileStride)
    c10 = from1.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    c11 = from1.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    c12 = from1.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    let from2 = UnsafeRawPointer(tile + 2 * tileStride)
    c20 = from2.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    c21 = from2.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    c22 = from2.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    let from3 = UnsafeRawPointer(tile + 3 * tileStride)
    c30 = from3.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    c31 = from3.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    c32 = from3.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    let from4 = UnsafeRawPointer(tile + 4 * tileStride)
    c40 = from4.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    c41 = from4.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    c42 = from4.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    let from5 = UnsafeRawPointer(tile + 5 * tileStride)
    c50 = from5.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    c51 = from5.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    c52 = from5.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    let from6 = UnsafeRawPointer(tile + 6 * tileStride)
    c60 = from6.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    c61 = from6.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    c62 = from6.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
    let from7 = UnsafeRawPointer(tile + 7 * tileStride)
    c70 = from7.loadUnaligned(fromByteOffset: 0, as: SIMD16<Float>.self)
    c71 = from7.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
    c72 = from7.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
  }
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
  let row0 = UnsafeMutableRawPointer(tile + 0 * tileStride)
  row0.storeBytes(of: c00, toByteOffset: 0, as: SIMD16<Float>.self)
  row0.storeBytes(of: c01, toByteOffset: 64, as: SIMD16<Float>.self)
  row0.storeBytes(of: c02, toByteOffset: 128, as: SIMD16<Float>.self)
  let row1 = UnsafeMutableRawPointer(tile + 1 * tileStride)
  row1.storeBytes(of: c10, toByteOffset: 0, as: SIMD16<Float>.self)
  row1.storeBytes(of: c11, toByteOffset: 64, as: SIMD16<Float>.self)
  row1.storeBytes(of: c12, toByteOffset: 128, as: SIMD16<Float>.self)
  let row2 = UnsafeMutableRawPointer(tile + 2 * tileStride)
  row2.storeBytes(of: c20, toByteOffset: 0, as: SIMD16<Float>.self)
  row2.storeBytes(of: c21, toByteOffset: 64, as: SIMD16<Float>.self)
  row2.storeBytes(of: c22, toByteOffset: 128, as: SIMD16<Float>.self)
  let row3 = UnsafeMutableRawPointer(tile + 3 * tileStride)
  row3.storeBytes(of: c30, toByteOffset: 0, as: SIMD16<Float>.self)
  row3.storeBytes(of: c31, toByteOffset: 64, as: SIMD16<Float>.self)
  row3.storeBytes(of: c32, toByteOffset: 128, as: SIMD16<Float>.self)
  let row4 = UnsafeMutableRawPointer(tile + 4 * tileStride)
  row4.storeBytes(of: c40, toByteOffset: 0, as: SIMD16<Float>.self)
  row4.storeBytes(of: c41, toByteOffset: 64, as: SIMD16<Float>.self)
  row4.storeBytes(of: c42, toByteOffset: 128, as: SIMD16<Float>.self)
  let row5 = UnsafeMutableRawPointer(tile + 5 * tileStride)
  row5.storeBytes(of: c50, toByteOffset: 0, as: SIMD16<Float>.self)
  row5.storeBytes(of: c51, toByteOffset: 64, as: SIMD16<Float>.self)
  row5.storeBytes(of: c52, toByteOffset: 128, as: SIMD16<Float>.self)
  let row6 = UnsafeMutableRawPointer(tile + 6 * tileStride)
  row6.storeBytes(of: c60, toByteOffset: 0, as: SIMD16<Float>.self)
  row6.storeBytes(of: c61, toByteOffset: 64, as: SIMD16<Float>.self)
  row6.storeBytes(of: c62, toByteOffset: 128, as: SIMD16<Float>.self)
  let row7 = UnsafeMutableRawPointer(tile + 7 * tileStride)
  row7.storeBytes(of: c70, toByteOffset: 0, as: SIMD16<Float>.self)
  row7.storeBytes(of: c71, toByteOffset: 64, as: SIMD16<Float>.self)
  row7.storeBytes(of: c72, toByteOffset: 128, as: SIMD16<Float>.self)
}
