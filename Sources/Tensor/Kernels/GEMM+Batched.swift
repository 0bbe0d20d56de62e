/// `count` independent products `C_i = alpha * op(A_i) * op(B_i) + beta * C_i`, with
/// `A_i = a + i * strideA`, `B_i = b + i * strideB`, `C_i = c + i * strideC` and each
/// product as in `gemm` (e.g. attention's per-head `[tokens, d] x [d, tokens]`).
///
/// Small products run one per task on the pool, so a batch of many small matrices
/// pays one fork-join instead of one per product; large ones run one after another,
/// each spread over the pool. Either way each product is computed exactly as `gemm`
/// computes it, so the result does not depend on the thread count.
public func gemmBatched(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
  a: UnsafePointer<Float>, lda: Int, strideA: Int, b: UnsafePointer<Float>, ldb: Int,
  strideB: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
  count: Int, pool: ThreadPool = .shared
) {
  precondition(count >= 0, "gemmBatched: negative count \(count)")
  let product = { (i: Int) in
    gemm(
      transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
      a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb, beta: beta,
      c: c + i * strideC, ldc: ldc, pool: pool)
  }
  let flops = 2.0 * Double(m) * Double(n) * Double(k)
  if count > 1 && flops < 16 * Double(gemmParallelFlops) {
    // Inside a task the pool is busy, so each product runs serially on its thread.
    pool.parallelFor(count, product)
  } else {
    for i in 0..<count { product(i) }
  }
}
