/// Single-precision matrix multiply on row-major buffers:
/// `C = alpha * op(A) * op(B) + beta * C`, where `op(A)` is `m x k` and `op(B)` is
/// `k x n`. With `transposeA`, A is stored `k x m` (leading dimension `lda`); with
/// `transposeB`, B is stored `n x k`. When `beta` is 0, C is overwritten and its old
/// contents (even NaN) are ignored, as in BLAS.
public func gemm(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  gemmReference(
    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// The plain triple loop that `gemm` is tested against. Same contract as `gemm`.
public func gemmReference(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  for i in 0..<m {
    for j in 0..<n {
      var sum: Float = 0
      for p in 0..<k {
        let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
        let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
        sum += aValue * bValue
      }
      let old = beta == 0 ? 0 : beta * c[i * ldc + j]
      c[i * ldc + j] = alpha * sum + old
    }
  }
}
