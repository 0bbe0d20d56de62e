// The register tile of the convolution's weight gradient: 4 output channels x 6
// reduction rows (c, ky, kx) of gradWeight, each a dot product over the output grid,
// held as partial sums in `ConvWeightLanes` lanes and summed across lanes once at the
// end. With AVX-512: 24 `SIMD16<Float>` partial sums; per 16 grid positions, 4 loads
// of the gradient, 6 unaligned loads of the shifted planes, 24 fused multiply-adds.
// With 16 vector registers (AVX2): 8 lanes, and the tile in two passes of 4 x 3
// (12 accumulators, 3 plane vectors and a gradient vector), so the two builds sum the
// lanes in different orders and their weight gradients differ in the last bits.

#if AVX512
  /// The lanes of the weight gradient's partial sums: one vector register.
  typealias ConvWeightLanes = SIMD16<Float>
#else
  /// The lanes of the weight gradient's partial sums: one vector register.
  typealias ConvWeightLanes = SIMD8<Float>
#endif

/// Rows (output channels) of the weight-gradient tile.
let convWeightTileRows = 4
/// Columns (reduction rows c, ky, kx) of the weight-gradient tile.
let convWeightTileColumns = 6

/// How many grid positions the weight gradient stacks: images whose planes are smaller
/// are laid one after another, up to this many positions, and each dot product runs
/// on through all of them before its lanes are summed. At 14x14 an image gives a dot
/// product 14 vectors long, and summing the 24 results' lanes after each image cost
/// about 40% of the tile's multiply-adds. Batch 32, 2 threads: 3x3 256 at 14x14
/// 101-110 -> 153-168 GFLOPS, 3x3 stride 2 256 at 28x28 93-95 -> 128-136, 3x3 128 at
/// 28x28 154-167 -> 166-174 (1024 positions gained less, 4096 no more).
let convWeightStackPositions = 2048

/// Several images laid out alike one after another: image `n`'s gradient rows start
/// `n * gradStride` floats after image 0's, its planes `n * planeStride`.
struct ConvWeightStack {
  var images = 1
  var gradStride = 0
  var planeStride = 0

  static let single = ConvWeightStack()
}

/// `out[i, j] (+)= sum over images n of (sum over v < 16 * vectors of
/// grads[n * stack.gradStride + i * gradStride + v] *
/// planes[n * stack.planeStride + offsets[j] + v])` for i < 4, j < 6, the lanes summed
/// once after the last image; `out` rows are `outStride` apart. Adds to `out` when
/// `accumulate`, else overwrites.
@inline(__always)
func convWeightGradientTile(
  vectors: Int, grads: UnsafePointer<Float>, gradStride: Int, planes: UnsafePointer<Float>,
  offsets: UnsafePointer<Int>, stack: ConvWeightStack = .single,
  out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool
) {
  #if AVX512
    wideWeightTile(
      vectors: vectors, grads: grads, gradStride: gradStride, planes: planes,
      offsets: offsets, stack: stack, out: out, outStride: outStride, accumulate: accumulate)
  #else
    // Reduction columns 0-2, then 3-5.
    for half in stride(from: 0, to: convWeightTileColumns, by: 3) {
      narrowWeightTile(
        vectors: vectors, grads: grads, gradStride: gradStride, planes: planes,
        offsets: offsets + half, stack: stack, out: out + half, outStride: outStride,
        accumulate: accumulate)
    }
  #endif
}

#if AVX512
  /// `convWeightGradientTile` in 24 `SIMD16<Float>` accumulators.
  @inline(__always)
  private func wideWeightTile(
    vectors: Int, grads: UnsafePointer<Float>, gradStride: Int, planes: UnsafePointer<Float>,
    offsets: UnsafePointer<Int>, stack: ConvWeightStack,
    out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool
  ) {
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
    for image in 0..<stack.images {
      let g0 = UnsafeRawPointer(grads + image * stack.gradStride + 0 * gradStride)
      let g1 = UnsafeRawPointer(grads + image * stack.gradStride + 1 * gradStride)
      let g2 = UnsafeRawPointer(grads + image * stack.gradStride + 2 * gradStride)
      let g3 = UnsafeRawPointer(grads + image * stack.gradStride + 3 * gradStride)
      let imagePlanes = planes + image * stack.planeStride
      let q0 = UnsafeRawPointer(imagePlanes + offsets[0])
      let q1 = UnsafeRawPointer(imagePlanes + offsets[1])
      let q2 = UnsafeRawPointer(imagePlanes + offsets[2])
      let q3 = UnsafeRawPointer(imagePlanes + offsets[3])
      let q4 = UnsafeRawPointer(imagePlanes + offsets[4])
      let q5 = UnsafeRawPointer(imagePlanes + offsets[5])
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
    }
    // Each result added to (or written over) its element of `out`, row by row.
    @inline(__always) func put(_ row: Int, _ column: Int, _ c: SIMD16<Float>) {
      let target = out + row * outStride + column
      target.pointee = accumulate ? target.pointee + laneSum(c) : laneSum(c)
    }
    put(0, 0, c00)
    put(0, 1, c01)
    put(0, 2, c02)
    put(0, 3, c03)
    put(0, 4, c04)
    put(0, 5, c05)
    put(1, 0, c10)
    put(1, 1, c11)
    put(1, 2, c12)
    put(1, 3, c13)
    put(1, 4, c14)
    put(1, 5, c15)
    put(2, 0, c20)
    put(2, 1, c21)
    put(2, 2, c22)
    put(2, 3, c23)
    put(2, 4, c24)
    put(2, 5, c25)
    put(3, 0, c30)
    put(3, 1, c31)
    put(3, 2, c32)
    put(3, 3, c33)
    put(3, 4, c34)
    put(3, 5, c35)
  }
#endif

#if !AVX512
  /// `out[i, j] (+)= ...` as `convWeightGradientTile`, for 4 rows and 3 reduction
  /// columns, in 12 `SIMD8<Float>` accumulators.
  @inline(__always)
  private func narrowWeightTile(
    vectors: Int, grads: UnsafePointer<Float>, gradStride: Int, planes: UnsafePointer<Float>,
    offsets: UnsafePointer<Int>, stack: ConvWeightStack,
    out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool
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
    for image in 0..<stack.images {
      let g0 = UnsafeRawPointer(grads + image * stack.gradStride + 0 * gradStride)
      let g1 = UnsafeRawPointer(grads + image * stack.gradStride + 1 * gradStride)
      let g2 = UnsafeRawPointer(grads + image * stack.gradStride + 2 * gradStride)
      let g3 = UnsafeRawPointer(grads + image * stack.gradStride + 3 * gradStride)
      let imagePlanes = planes + image * stack.planeStride
      let q0 = UnsafeRawPointer(imagePlanes + offsets[0])
      let q1 = UnsafeRawPointer(imagePlanes + offsets[1])
      let q2 = UnsafeRawPointer(imagePlanes + offsets[2])
      for v in 0..<(2 * vectors) {
        let offset = 32 * v
        let b0 = q0.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let b1 = q1.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let b2 = q2.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let a0 = g0.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        c00.addProduct(a0, b0)
        c01.addProduct(a0, b1)
        c02.addProduct(a0, b2)
        let a1 = g1.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        c10.addProduct(a1, b0)
        c11.addProduct(a1, b1)
        c12.addProduct(a1, b2)
        let a2 = g2.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        c20.addProduct(a2, b0)
        c21.addProduct(a2, b1)
        c22.addProduct(a2, b2)
        let a3 = g3.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        c30.addProduct(a3, b0)
        c31.addProduct(a3, b1)
        c32.addProduct(a3, b2)
      }
    }
    @inline(__always) func put(_ row: Int, _ column: Int, _ c: SIMD8<Float>) {
      let target = out + row * outStride + column
      target.pointee = accumulate ? target.pointee + laneSum(c) : laneSum(c)
    }
    put(0, 0, c00)
    put(0, 1, c01)
    put(0, 2, c02)
    put(1, 0, c10)
    put(1, 1, c11)
    put(1, 2, c12)
    put(2, 0, c20)
    put(2, 1, c21)
    put(2, 2, c22)
    put(3, 0, c30)
    put(3, 1, c31)
    put(3, 2, c32)
  }
#endif
