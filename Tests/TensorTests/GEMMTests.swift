import TestSupport
import Testing

@testable import Tensor

/// Pools of fixed sizes for the kernel tests, so results can be compared across thread
/// counts without touching `ThreadPool.shared`.
enum KernelTestPools {
  static let one = ThreadPool(threadCount: 1)
  static let two = ThreadPool(threadCount: 2)
  static let three = ThreadPool(threadCount: 3)
}

/// Deterministic values in [-1, 1] (a linear congruential sequence).
func kernelTestValues(_ count: Int, seed: UInt64) -> [Float] {
  var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
  }
}

@Suite("gemm against gemmReference")
struct GEMMTests {
  /// One product through the fast or the reference kernel; `c` is the initial C.
  static func run(
    fast: Bool, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    beta: Float, c initial: [Float], pool: ThreadPool = KernelTestPools.two
  ) -> [Float] {
    // Leading dimensions larger than the minimum, to catch mixed-up strides.
    let lda = (transposeA ? m : k) + 3
    let ldb = (transposeB ? k : n) + 2
    let ldc = n + 1
    let a = kernelTestValues((transposeA ? k : m) * lda, seed: 11)
    let b = kernelTestValues((transposeB ? n : k) * ldb, seed: 12)
    var c = initial
    precondition(c.count == m * ldc)
    if fast {
      gemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
        a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc, pool: pool)
    } else {
      gemmReference(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
        a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
    }
    return c
  }

  /// Sizes around the 8 x 48 tile, the 96-row block, the 512-deep block and the
  /// 1536-column panel; (101, 103, 263) is big enough to take the threaded path.
  static let shapes: [(Int, Int, Int)] = [
    (1, 1, 1), (1, 7, 3), (5, 1, 2), (7, 5, 3), (9, 49, 17), (13, 47, 29), (8, 48, 512),
    (97, 50, 513), (3, 1537, 5), (101, 103, 263), (17, 60, 1100),
  ]

  @Test(
    "matches the reference for every transpose combination, beta 0 (NaN C) and 1",
    arguments: [(false, false), (false, true), (true, false), (true, true)])
  func matchesReference(transposes: (Bool, Bool)) {
    for (m, n, k) in Self.shapes {
      for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (0.5, 1), (-2, 0.25)] {
        let ldc = n + 1
        let initial =
          beta == 0
          ? [Float](repeating: .nan, count: m * ldc) : kernelTestValues(m * ldc, seed: 13)
        let fast = Self.run(
          fast: true, transposeA: transposes.0, transposeB: transposes.1, m: m, n: n, k: k,
          alpha: alpha, beta: beta, c: initial)
        let reference = Self.run(
          fast: false, transposeA: transposes.0, transposeB: transposes.1, m: m, n: n, k: k,
          alpha: alpha, beta: beta, c: initial)
        // Sums of k products of values in [-1, 1]: rounding grows with k.
        let tolerance = Tolerance(absolute: 2e-6 * Float(k), relative: 1e-4)
        let mismatch = tolerance.firstMismatch(fast, reference)
        #expect(mismatch == nil, "m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta): \(mismatch!)")
      }
    }
  }

  @Test("gives bitwise the same result on 1, 2 and 3 threads")
  func threadCountIndependent() {
    for (m, n, k) in [(101, 103, 263), (200, 97, 400), (16, 1600, 70)] {
      let initial = kernelTestValues(m * (n + 1), seed: 14)
      let results = [KernelTestPools.one, KernelTestPools.two, KernelTestPools.three].map {
        Self.run(
          fast: true, transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1,
          beta: 1, c: initial, pool: $0)
      }
      #expect(results[0] == results[1] && results[1] == results[2], "m \(m) n \(n) k \(k)")
    }
  }

  @Test("k = 0 or alpha = 0 scales C by beta, and beta 0 clears NaN")
  func emptyReduction() {
    for (k, alpha) in [(0, Float(1)), (5, Float(0))] {
      var c: [Float] = [1, .nan, 3, 4]
      let a = [Float](repeating: 1, count: 10)
      gemm(
        transposeA: false, transposeB: false, m: 2, n: 2, k: k, alpha: alpha, a: a,
        lda: max(k, 1), b: a, ldb: 2, beta: 0, c: &c, ldc: 2)
      #expect(c == [0, 0, 0, 0])
      var d: [Float] = [1, 2, 3, 4]
      gemm(
        transposeA: false, transposeB: false, m: 2, n: 2, k: k, alpha: alpha, a: a,
        lda: max(k, 1), b: a, ldb: 2, beta: 2, c: &d, ldc: 2)
      #expect(d == [2, 4, 6, 8])
    }
  }

  @Test("a hand-computed 2 x 2 product")
  func handComputed() {
    // [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50]
    var c = [Float](repeating: .nan, count: 4)
    gemm(
      transposeA: false, transposeB: false, m: 2, n: 2, k: 2, alpha: 1, a: [1, 2, 3, 4],
      lda: 2, b: [5, 6, 7, 8], ldb: 2, beta: 0, c: &c, ldc: 2)
    #expect(c == [19, 22, 43, 50])
  }
}

@Suite("gemmBatched")
struct GEMMBatchedTests {
  @Test("equals one gemmReference per product, for small and large products")
  func matchesReference() {
    for (m, n, k, count) in [(5, 7, 3, 4), (31, 29, 17, 3), (130, 60, 300, 2)] {
      let (lda, ldb, ldc) = (m + 1, k + 2, n + 3)  // A and B stored transposed
      let strideA = k * lda + 5
      let strideB = n * ldb + 1
      let strideC = m * ldc + 2
      let a = kernelTestValues(count * strideA, seed: 31)
      let b = kernelTestValues(count * strideB, seed: 32)
      var fast = kernelTestValues(count * strideC, seed: 33)
      var reference = fast
      gemmBatched(
        transposeA: true, transposeB: true, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
        strideA: strideA, b: b, ldb: ldb, strideB: strideB, beta: 1, c: &fast, ldc: ldc,
        strideC: strideC, count: count, pool: KernelTestPools.two)
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          reference.withUnsafeMutableBufferPointer { c in
            for i in 0..<count {
              gemmReference(
                transposeA: true, transposeB: true, m: m, n: n, k: k, alpha: 0.5,
                a: a.baseAddress! + i * strideA, lda: lda, b: b.baseAddress! + i * strideB,
                ldb: ldb, beta: 1, c: c.baseAddress! + i * strideC, ldc: ldc)
            }
          }
        }
      }
      let tolerance = Tolerance(absolute: 2e-6 * Float(k), relative: 1e-4)
      let mismatch = tolerance.firstMismatch(fast, reference)
      #expect(mismatch == nil, "m \(m) n \(n) k \(k) count \(count): \(mismatch!)")
    }
  }
}

@Test("transpose8x8 moves element (r, c) to (c, r) between strided blocks")
func transpose8x8MovesEveryElement() {
  let source = (0..<(8 * 11)).map(Float.init)  // rows 11 floats apart
  var target = [Float](repeating: -1, count: 8 * 9)  // rows 9 floats apart
  transpose8x8(source, sourceStride: 11, &target, targetStride: 9)
  for r in 0..<8 {
    for c in 0..<8 { #expect(target[c * 9 + r] == source[r * 11 + c], "(\(r), \(c))") }
  }
  #expect(target[8] == -1 && target[7 * 9 + 8] == -1)
}
