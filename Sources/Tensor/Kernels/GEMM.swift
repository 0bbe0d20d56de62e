// Single-precision GEMM in the layered scheme of GotoBLAS/BLIS: the reduction is cut
// into blocks of `gemmDepthBlock`, B into panels of `gemmColumnBlock` columns packed
// once per block (shared, read-only), A into blocks of `gemmRowBlock` rows packed by
// the task that uses them, and the 8 x 48 register tile of `gemmMicroKernel` sweeps
// each pair. Packing pads edges with zeros, so the micro-kernel always runs full; the
// store writes only the valid part. Each element of C is computed by exactly one task,
// with the reduction in a fixed order, so results do not depend on the thread count.
// Figures and commands: BENCHMARKS.md.

/// Reduction steps per packed block: an 8 x 512 micro-panel of A (16 KiB) stays in L1
/// while a 512 x 48 micro-panel of B (96 KiB) streams from L2. Fewer, longer blocks
/// mean fewer passes of C through memory and fewer fork-joins: 384 measured 3-9%
/// above 256 at 1024^3 and 2048^3 on one thread (BENCHMARKS.md, "Earlier tuning"),
/// and 512 0-3% above 384 on two threads at every shape of `spurious bench gemm`, 3%
/// at 512^3, which it computes in one block (193.7 -> 199 GFLOPS).
let gemmDepthBlock = 512
/// Rows of A per task: a 96 x 512 block (192 KiB) stays in L2.
let gemmRowBlock = 96
/// Columns of B per shared packed panel (at most 1.5 MiB, in L3).
let gemmColumnBlock = 32 * gemmTileColumns
/// Below this many flops, threads cost more than they save.
let gemmParallelFlops = 4_000_000

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
  gemm(
    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, pool: ThreadPool.shared)
}

/// `gemm` on the threads of `pool` (the other overload uses `ThreadPool.shared`).
public func gemm(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, pool: ThreadPool
) {
  precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m \(m), n \(n), k \(k)")
  precondition(
    lda >= max(1, transposeA ? m : k) && ldb >= max(1, transposeB ? k : n) && ldc >= max(1, n),
    "gemm: leading dimensions lda \(lda), ldb \(ldb), ldc \(ldc) too small for "
      + "m \(m), n \(n), k \(k), transposeA \(transposeA), transposeB \(transposeB)")
  if m == 0 || n == 0 { return }
  if k == 0 || alpha == 0 {
    gemmScale(m: m, n: n, beta: beta, c: c, ldc: ldc)
    return
  }
  let operands = GEMMOperands(
    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
  let parallel =
    pool.threadCount > 1
    && 2.0 * Double(m) * Double(n) * Double(k)
      >= Double(gemmParallelFlops)
  let rowBlocks = (m + gemmRowBlock - 1) / gemmRowBlock

  for depthStart in stride(from: 0, to: k, by: gemmDepthBlock) {
    let depth = min(gemmDepthBlock, k - depthStart)
    // Later depth blocks add to what the first one stored.
    let blockBeta = depthStart == 0 ? beta : 1
    for columnStart in stride(from: 0, to: n, by: gemmColumnBlock) {
      let width = min(gemmColumnBlock, n - columnStart)
      let slivers = (width + gemmTileColumns - 1) / gemmTileColumns

      // Pack op(B)[depth block, column panel], one 48-column sliver per task.
      let packedB = KernelScratch.floats(.gemmPackedB, count: slivers * depth * gemmTileColumns)
      let packSliver = { (sliver: Int) in
        operands.packB(
          sliver: sliver, columnStart: columnStart, depthStart: depthStart, depth: depth,
          into: packedB + sliver * depth * gemmTileColumns)
      }
      if parallel {
        pool.parallelFor(slivers, packSliver)
      } else {
        for s in 0..<slivers { packSliver(s) }
      }

      // Tasks: row blocks x column chunks, enough of them to keep every thread busy
      // even when m is small, and a multiple of the thread count where the columns
      // allow: 11 row blocks of 1024^3 on 2 threads left one thread idle through the
      // last (22 tasks: 195-202 -> 207-213 GFLOPS).
      var chunks =
        parallel ? min(slivers, max(1, (4 * pool.threadCount + rowBlocks - 1) / rowBlocks)) : 1
      while parallel && chunks < slivers && (rowBlocks * chunks) % pool.threadCount != 0 {
        chunks += 1
      }
      let task = { (task: Int) in
        let rowBlock = task / chunks
        let chunk = task % chunks
        operands.multiplyBlock(
          rowStart: rowBlock * gemmRowBlock, depthStart: depthStart, depth: depth,
          packedB: packedB, columnStart: columnStart,
          slivers: (chunk * slivers / chunks)..<((chunk + 1) * slivers / chunks),
          beta: blockBeta)
      }
      if parallel {
        pool.parallelFor(rowBlocks * chunks, task)
      } else {
        for t in 0..<(rowBlocks * chunks) { task(t) }
      }
    }
  }
}

/// `C = beta * C` (zero when beta is 0, ignoring NaN): the whole product when k or
/// alpha is 0.
private func gemmScale(m: Int, n: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
  for i in 0..<m {
    let row = c + i * ldc
    if beta == 0 {
      row.update(repeating: 0, count: n)
    } else if beta != 1 {
      for j in 0..<n { row[j] *= beta }
    }
  }
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
