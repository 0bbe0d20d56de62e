/// Dequantisation and the 8x8 inverse DCT in integers, computing exactly what
/// libjpeg-turbo's default `JDCT_ISLOW` computes on x86-64, where Pillow runs its SIMD
/// version (jidctint-avx2.asm / -sse2.asm): the Loeffler-Ligtenberg-Moschytz
/// factorisation with 13-bit constants and 2 extra bits between passes.
///
/// On valid data that SIMD code and libjpeg's C code agree bit for bit. They differ on
/// the absurd coefficients of corrupt files, because the SIMD code keeps samples in 16
/// bits: dequantised values, x0 +- x4 and the odd sums x7 + x3 and x5 + x1 wrap around,
/// each pass's outputs saturate to 16 bits, the final values saturate to -128...127
/// (the C code wraps them modulo 1024 instead), and the first pass's shortcut for a
/// block whose rows 1-7 are zero shifts in 16 bits. We reproduce the SIMD behaviour, so
/// damaged files decode as Pillow decodes them too.
enum JPEGInverseDCT {
  static let constBits: Int32 = 13
  static let pass1Bits: Int32 = 2

  // The factorisation's multipliers, round(x * 2^13), as named by their real values.
  static let fix0_298631336: Int32 = 2446
  static let fix0_390180644: Int32 = 3196
  static let fix0_541196100: Int32 = 4433
  static let fix0_765366865: Int32 = 6270
  static let fix0_899976223: Int32 = 7373
  static let fix1_175875602: Int32 = 9633
  static let fix1_501321110: Int32 = 12299
  static let fix1_847759065: Int32 = 15137
  static let fix1_961570560: Int32 = 16069
  static let fix2_053119869: Int32 = 16819
  static let fix2_562915447: Int32 = 20995
  static let fix3_072711026: Int32 = 25172

  /// The low 16 bits of `value`, sign-extended (a 16-bit lane's wrap-around).
  @inline(__always)
  static func wrap16(_ value: Int32) -> Int32 { Int32(Int16(truncatingIfNeeded: value)) }

  /// `value` saturated to -32768...32767 (packssdw).
  @inline(__always)
  static func saturate16(_ value: Int32) -> Int32 { min(max(value, -32768), 32767) }

  /// A final value saturated to -128...127 and shifted by the 128 level offset.
  @inline(__always)
  static func sample(_ value: Int32) -> UInt8 {
    UInt8(truncatingIfNeeded: min(max(value, -128), 127) + 128)
  }

  /// Transforms one block: `coefficients` (64 quantised values, natural order) times
  /// `quantization` (64 values) gives 8 rows of 8 samples written at `output` with
  /// `stride` bytes between rows. Plain scalar version, the reference for
  /// `transformBlock`.
  static func transformBlockReference(
    _ coefficients: UnsafePointer<Int16>, _ quantization: UnsafePointer<Int32>,
    _ output: UnsafeMutablePointer<UInt8>, stride: Int,
    workspace: UnsafeMutablePointer<Int32>
  ) {
    // Pass 1: columns, from the dequantised input into the workspace, scaled by 2^2.
    let dequantized = (0..<64).map { wrap16(Int32(coefficients[$0]) &* quantization[$0]) }
    if (8..<64).allSatisfy({ coefficients[$0] == 0 }) {
      // Rows 1-7 are zero: every column is its first value times 4.
      for column in 0..<8 {
        let value = wrap16(dequantized[column] << pass1Bits)
        for row in 0..<8 { workspace[row * 8 + column] = value }
      }
    } else {
      for column in 0..<8 {
        let x = (0..<8).map { dequantized[$0 * 8 + column] }
        butterfly(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], shift: constBits - pass1Bits) {
          index, value in workspace[index * 8 + column] = saturate16(value)
        }
      }
    }

    // Pass 2: rows, from the workspace to samples, removing the 2^2 and the 8 of the
    // 2-D normalisation, adding the 128 level shift, and clamping.
    for row in 0..<8 {
      let w = workspace + row * 8
      let out = output + row * stride
      butterfly(
        w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], shift: constBits + pass1Bits + 3
      ) { index, value in out[index] = sample(value) }
    }
  }

  /// The 1-D 8-point inverse DCT of jidctint.c on x0...x7 (16-bit values), with the
  /// 16-bit sums of the SIMD code, descaled by `shift` bits with rounding; `store(i, y_i)`
  /// receives the 8 results.
  @inline(__always)
  static func butterfly(
    _ x0: Int32, _ x1: Int32, _ x2: Int32, _ x3: Int32, _ x4: Int32, _ x5: Int32,
    _ x6: Int32, _ x7: Int32, shift: Int32, store: (Int, Int32) -> Void
  ) {
    // Even part: rotation of x2, x6 by sqrt(2) c6, and x0 +- x4.
    let z1 = (x2 &+ x6) &* fix0_541196100
    let tmp2 = z1 &+ x6 &* -fix1_847759065
    let tmp3 = z1 &+ x2 &* fix0_765366865
    let tmp0 = wrap16(x0 &+ x4) << constBits
    let tmp1 = wrap16(x0 &- x4) << constBits
    let tmp10 = tmp0 &+ tmp3
    let tmp13 = tmp0 &- tmp3
    let tmp11 = tmp1 &+ tmp2
    let tmp12 = tmp1 &- tmp2

    // Odd part (x7, x5, x3, x1), per figure 8 of the LL&M paper.
    let s1 = x7 &+ x1
    let s2 = x5 &+ x3
    let s3 = wrap16(x7 &+ x3)
    let s4 = wrap16(x5 &+ x1)
    let z5 = (s3 &+ s4) &* fix1_175875602
    let m1 = s1 &* -fix0_899976223
    let m2 = s2 &* -fix2_562915447
    let m3 = s3 &* -fix1_961570560 &+ z5
    let m4 = s4 &* -fix0_390180644 &+ z5
    let o0 = x7 &* fix0_298631336 &+ m1 &+ m3
    let o1 = x5 &* fix2_053119869 &+ m2 &+ m4
    let o2 = x3 &* fix3_072711026 &+ m2 &+ m3
    let o3 = x1 &* fix1_501321110 &+ m1 &+ m4

    let round = Int32(1) << (shift - 1)
    store(0, (tmp10 &+ o3 &+ round) >> shift)
    store(7, (tmp10 &- o3 &+ round) >> shift)
    store(1, (tmp11 &+ o2 &+ round) >> shift)
    store(6, (tmp11 &- o2 &+ round) >> shift)
    store(2, (tmp12 &+ o1 &+ round) >> shift)
    store(5, (tmp12 &- o1 &+ round) >> shift)
    store(3, (tmp13 &+ o0 &+ round) >> shift)
    store(4, (tmp13 &- o0 &+ round) >> shift)
  }

  /// `transformBlockReference` with the 8 columns (pass 1) and then the 8 rows (pass 2)
  /// transformed at once in `SIMD8<Int32>` lanes; the arithmetic is the same integer
  /// arithmetic, so the bytes are identical. A block whose AC coefficients are all zero
  /// (most blocks of a typical photo) takes a shortcut that gives the same constant.
  @inline(__always)
  static func transformBlock(
    _ coefficients: UnsafePointer<Int16>, _ quantization: UnsafePointer<Int32>,
    _ output: UnsafeMutablePointer<UInt8>, stride: Int
  ) {
    typealias Row = SIMD8<Int32>
    let c = UnsafeRawPointer(coefficients)
    @inline(__always) func load(_ row: Int) -> SIMD8<Int16> {
      c.loadUnaligned(fromByteOffset: row * 16, as: SIMD8<Int16>.self)
    }
    let rows16 = (load(0), load(1), load(2), load(3), load(4), load(5), load(6), load(7))
    let q = UnsafeRawPointer(quantization)
    @inline(__always) func dequantized(_ row: SIMD8<Int16>, _ index: Int) -> Row {
      wrap16(
        Row(truncatingIfNeeded: row) &* q.loadUnaligned(fromByteOffset: index * 32, as: Row.self))
    }
    let row0 = dequantized(rows16.0, 0)
    let upper = rows16.1 | rows16.2 | rows16.3 | rows16.4 | rows16.5 | rows16.6 | rows16.7
    if upper == .zero {
      // Rows 1-7 are zero: pass 1 gives each column's first value times 4 (in 16 bits).
      let w = wrap16(row0 &<< pass1Bits)
      if w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0
        && w[7] == 0
      {
        // DC only: pass 2 on (w0, 0, ..., 0) descales w0 by 5 bits with rounding.
        let value = sample((w[0] &+ 16) >> 5)
        for row in 0..<8 {
          UnsafeMutableRawPointer(output + row * stride).storeBytes(
            of: SIMD8<UInt8>(repeating: value), as: SIMD8<UInt8>.self)
        }
        return
      }
      let y = secondPass((w, w, w, w, w, w, w, w))
      storeRows(y, output, stride: stride)
      return
    }

    // Pass 1: lanes are columns; rows of coefficients go in, rows of the workspace out.
    let w = butterflySIMD(
      row0, dequantized(rows16.1, 1), dequantized(rows16.2, 2),
      dequantized(rows16.3, 3), dequantized(rows16.4, 4), dequantized(rows16.5, 5),
      dequantized(rows16.6, 6), dequantized(rows16.7, 7), shift: constBits - pass1Bits)
    let y = secondPass(w)
    storeRows(y, output, stride: stride)
  }

  typealias Block = (
    SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>,
    SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>
  )

  /// Pass 2 on the workspace rows (lanes are columns): transposes them so that lanes
  /// are rows and vector k holds column k, then transforms; vector j of the result holds
  /// column j of the output.
  @inline(__always)
  static func secondPass(_ workspace: Block) -> Block {
    let t = transpose(workspace)
    return butterflySIMD(
      t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, shift: constBits + pass1Bits + 3)
  }

  /// Saturates output columns to samples and stores them as 8 rows.
  @inline(__always)
  static func storeRows(_ columns: Block, _ output: UnsafeMutablePointer<UInt8>, stride: Int) {
    let rows = transpose(columns)
    @inline(__always) func store(_ row: Int, _ values: SIMD8<Int32>) {
      let limited = pointwiseMax(
        pointwiseMin(values, SIMD8(repeating: 127)), SIMD8(repeating: -128))
      UnsafeMutableRawPointer(output + row * stride).storeBytes(
        of: SIMD8<UInt8>(truncatingIfNeeded: limited &+ 128), as: SIMD8<UInt8>.self)
    }
    store(0, rows.0)
    store(1, rows.1)
    store(2, rows.2)
    store(3, rows.3)
    store(4, rows.4)
    store(5, rows.5)
    store(6, rows.6)
    store(7, rows.7)
  }

  /// `wrap16` on 8 lanes.
  @inline(__always)
  static func wrap16(_ value: SIMD8<Int32>) -> SIMD8<Int32> { (value &<< 16) &>> 16 }

  /// The 8x8 transpose of a block held as 8 vectors.
  @inline(__always)
  static func transpose(_ m: Block) -> Block {
    @inline(__always) func column(_ k: Int) -> SIMD8<Int32> {
      SIMD8(m.0[k], m.1[k], m.2[k], m.3[k], m.4[k], m.5[k], m.6[k], m.7[k])
    }
    return (column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7))
  }

  /// `butterfly` on 8 independent lanes, outputs saturated to 16 bits.
  @inline(__always)
  static func butterflySIMD(
    _ x0: SIMD8<Int32>, _ x1: SIMD8<Int32>, _ x2: SIMD8<Int32>, _ x3: SIMD8<Int32>,
    _ x4: SIMD8<Int32>, _ x5: SIMD8<Int32>, _ x6: SIMD8<Int32>, _ x7: SIMD8<Int32>,
    shift: Int32
  ) -> Block {
    let z1 = (x2 &+ x6) &* fix0_541196100
    let tmp2 = z1 &+ x6 &* -fix1_847759065
    let tmp3 = z1 &+ x2 &* fix0_765366865
    let tmp0 = wrap16(x0 &+ x4) &<< constBits
    let tmp1 = wrap16(x0 &- x4) &<< constBits
    let tmp10 = tmp0 &+ tmp3
    let tmp13 = tmp0 &- tmp3
    let tmp11 = tmp1 &+ tmp2
    let tmp12 = tmp1 &- tmp2

    let s1 = x7 &+ x1
    let s2 = x5 &+ x3
    let s3 = wrap16(x7 &+ x3)
    let s4 = wrap16(x5 &+ x1)
    let z5 = (s3 &+ s4) &* fix1_175875602
    let m1 = s1 &* -fix0_899976223
    let m2 = s2 &* -fix2_562915447
    let m3 = s3 &* -fix1_961570560 &+ z5
    let m4 = s4 &* -fix0_390180644 &+ z5
    let o0 = x7 &* fix0_298631336 &+ m1 &+ m3
    let o1 = x5 &* fix2_053119869 &+ m2 &+ m4
    let o2 = x3 &* fix3_072711026 &+ m2 &+ m3
    let o3 = x1 &* fix1_501321110 &+ m1 &+ m4

    let round = SIMD8<Int32>(repeating: Int32(1) << (shift - 1))
    let s = SIMD8<Int32>(repeating: shift)
    @inline(__always) func out(_ v: SIMD8<Int32>) -> SIMD8<Int32> {
      pointwiseMax(
        pointwiseMin((v &+ round) &>> s, SIMD8(repeating: 32767)), SIMD8(repeating: -32768))
    }
    return (
      out(tmp10 &+ o3), out(tmp11 &+ o2), out(tmp12 &+ o1), out(tmp13 &+ o0),
      out(tmp13 &- o0), out(tmp12 &- o1), out(tmp11 &- o2), out(tmp10 &- o3)
    )
  }
}
