/// Dequantisation and the 8x8 inverse DCT in integers, computing exactly what
/// libjpeg-turbo's default `JDCT_ISLOW` computes (the Loeffler-Ligtenberg-Moschytz
/// factorisation with 13-bit constants and 2 extra bits kept between passes). Its C and
/// SIMD versions agree bit for bit on valid data, so matching it gives Pillow's pixels.
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

  /// Transforms one block: `coefficients` (64 quantised values, natural order) times
  /// `quantization` (64 values) gives 8 rows of 8 samples written at `output` with
  /// `stride` bytes between rows. Plain scalar version, the reference for
  /// `transformBlock`.
  @inline(__always)
  static func transformBlockReference(
    _ coefficients: UnsafePointer<Int16>, _ quantization: UnsafePointer<Int32>,
    _ output: UnsafeMutablePointer<UInt8>, stride: Int,
    workspace: UnsafeMutablePointer<Int32>
  ) {
    // Pass 1: columns, from the dequantised input into the workspace, scaled by 2^2.
    for column in 0..<8 {
      let c = coefficients + column
      let q = quantization + column
      if c[8] == 0 && c[16] == 0 && c[24] == 0 && c[32] == 0 && c[40] == 0 && c[48] == 0
        && c[56] == 0
      {
        // Only the DC term: the column is constant (the full computation gives the same).
        let dc = (Int32(c[0]) &* q[0]) << pass1Bits
        for row in 0..<8 { workspace[row * 8 + column] = dc }
        continue
      }
      butterfly(
        Int32(c[0]) &* q[0], Int32(c[8]) &* q[8], Int32(c[16]) &* q[16], Int32(c[24]) &* q[24],
        Int32(c[32]) &* q[32], Int32(c[40]) &* q[40], Int32(c[48]) &* q[48],
        Int32(c[56]) &* q[56], shift: constBits - pass1Bits
      ) { index, value in workspace[index * 8 + column] = value }
    }

    // Pass 2: rows, from the workspace to samples, removing the 2^2 and the 8 of the
    // 2-D normalisation, adding the 128 level shift, and clamping.
    for row in 0..<8 {
      let w = workspace + row * 8
      let out = output + row * stride
      butterfly(
        w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], shift: constBits + pass1Bits + 3
      ) { index, value in out[index] = rangeLimit(value) }
    }
  }

  /// libjpeg's `range_limit[x & 1023]` after the IDCT: the value is taken modulo 1024
  /// (as a signed 10-bit number), shifted by 128 and clamped to 0...255. The modulo only
  /// matters for corrupt data, where it makes the result match libjpeg's.
  @inline(__always)
  static func rangeLimit(_ value: Int32) -> UInt8 {
    let wrapped = ((value &+ 512) & 1023) - 512 + 128
    return UInt8(truncatingIfNeeded: min(max(wrapped, 0), 255))
  }

  /// The 1-D 8-point inverse DCT of jidctint.c on x0...x7, descaled by `shift` bits with
  /// rounding; `store(i, y_i)` receives the 8 results.
  @inline(__always)
  static func butterfly(
    _ x0: Int32, _ x1: Int32, _ x2: Int32, _ x3: Int32, _ x4: Int32, _ x5: Int32,
    _ x6: Int32, _ x7: Int32, shift: Int32, store: (Int, Int32) -> Void
  ) {
    // Even part: rotation of x2, x6 by sqrt(2) c6, and x0 +- x4.
    let z1 = (x2 &+ x6) &* fix0_541196100
    let tmp2 = z1 &+ x6 &* -fix1_847759065
    let tmp3 = z1 &+ x2 &* fix0_765366865
    let tmp0 = (x0 &+ x4) << constBits
    let tmp1 = (x0 &- x4) << constBits
    let tmp10 = tmp0 &+ tmp3
    let tmp13 = tmp0 &- tmp3
    let tmp11 = tmp1 &+ tmp2
    let tmp12 = tmp1 &- tmp2

    // Odd part (x7, x5, x3, x1), per figure 8 of the LL&M paper.
    let s1 = x7 &+ x1
    let s2 = x5 &+ x3
    let s3 = x7 &+ x3
    let s4 = x5 &+ x1
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
    var any = rows16.1 | rows16.2 | rows16.3 | rows16.4 | rows16.5 | rows16.6 | rows16.7
    any |= rows16.0 &* SIMD8<Int16>(0, 1, 1, 1, 1, 1, 1, 1)
    if any == .zero {
      // Pass 1 gives dc << 2 everywhere, pass 2 descales that by 5 bits with rounding.
      let dc = Int32(coefficients[0]) &* quantization[0]
      let value = rangeLimit(((dc << pass1Bits) &+ 16) >> 5)
      for row in 0..<8 {
        UnsafeMutableRawPointer(output + row * stride).storeBytes(
          of: SIMD8<UInt8>(repeating: value), as: SIMD8<UInt8>.self)
      }
      return
    }

    let q = UnsafeRawPointer(quantization)
    @inline(__always) func dequantized(_ row: SIMD8<Int16>, _ index: Int) -> Row {
      Row(truncatingIfNeeded: row) &* q.loadUnaligned(fromByteOffset: index * 32, as: Row.self)
    }
    // Pass 1: lanes are columns; rows of coefficients go in, rows of the workspace out.
    let w = butterflySIMD(
      dequantized(rows16.0, 0), dequantized(rows16.1, 1), dequantized(rows16.2, 2),
      dequantized(rows16.3, 3), dequantized(rows16.4, 4), dequantized(rows16.5, 5),
      dequantized(rows16.6, 6), dequantized(rows16.7, 7), shift: constBits - pass1Bits)
    // Pass 2 works along rows: transpose so that lanes are rows and vector k holds
    // column k, then every output vector j holds column j of the result.
    let t = transpose(w)
    let y = butterflySIMD(
      t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, shift: constBits + pass1Bits + 3)
    let columns = transpose(y)
    let limited = (
      rangeLimitSIMD(columns.0), rangeLimitSIMD(columns.1), rangeLimitSIMD(columns.2),
      rangeLimitSIMD(columns.3), rangeLimitSIMD(columns.4), rangeLimitSIMD(columns.5),
      rangeLimitSIMD(columns.6), rangeLimitSIMD(columns.7)
    )
    @inline(__always) func store(_ row: Int, _ values: SIMD8<UInt8>) {
      UnsafeMutableRawPointer(output + row * stride).storeBytes(
        of: values, as: SIMD8<UInt8>.self)
    }
    store(0, limited.0)
    store(1, limited.1)
    store(2, limited.2)
    store(3, limited.3)
    store(4, limited.4)
    store(5, limited.5)
    store(6, limited.6)
    store(7, limited.7)
  }

  typealias Block = (
    SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>,
    SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>
  )

  /// `rangeLimit` on 8 lanes, narrowed to bytes.
  @inline(__always)
  static func rangeLimitSIMD(_ value: SIMD8<Int32>) -> SIMD8<UInt8> {
    let wrapped = ((value &+ 512) & 1023) &- 384
    let clamped = pointwiseMax(pointwiseMin(wrapped, SIMD8(repeating: 255)), SIMD8.zero)
    return SIMD8<UInt8>(truncatingIfNeeded: clamped)
  }

  /// The 8x8 transpose of a block held as 8 vectors.
  @inline(__always)
  static func transpose(_ m: Block) -> Block {
    @inline(__always) func column(_ k: Int) -> SIMD8<Int32> {
      SIMD8(m.0[k], m.1[k], m.2[k], m.3[k], m.4[k], m.5[k], m.6[k], m.7[k])
    }
    return (column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7))
  }

  /// `butterfly` on 8 independent lanes.
  @inline(__always)
  static func butterflySIMD(
    _ x0: SIMD8<Int32>, _ x1: SIMD8<Int32>, _ x2: SIMD8<Int32>, _ x3: SIMD8<Int32>,
    _ x4: SIMD8<Int32>, _ x5: SIMD8<Int32>, _ x6: SIMD8<Int32>, _ x7: SIMD8<Int32>,
    shift: Int32
  ) -> Block {
    let z1 = (x2 &+ x6) &* fix0_541196100
    let tmp2 = z1 &+ x6 &* -fix1_847759065
    let tmp3 = z1 &+ x2 &* fix0_765366865
    let tmp0 = (x0 &+ x4) &<< constBits
    let tmp1 = (x0 &- x4) &<< constBits
    let tmp10 = tmp0 &+ tmp3
    let tmp13 = tmp0 &- tmp3
    let tmp11 = tmp1 &+ tmp2
    let tmp12 = tmp1 &- tmp2

    let s1 = x7 &+ x1
    let s2 = x5 &+ x3
    let s3 = x7 &+ x3
    let s4 = x5 &+ x1
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
    return (
      (tmp10 &+ o3 &+ round) &>> s, (tmp11 &+ o2 &+ round) &>> s,
      (tmp12 &+ o1 &+ round) &>> s, (tmp13 &+ o0 &+ round) &>> s,
      (tmp13 &- o0 &+ round) &>> s, (tmp12 &- o1 &+ round) &>> s,
      (tmp11 &- o2 &+ round) &>> s, (tmp10 &- o3 &+ round) &>> s
    )
  }
}
