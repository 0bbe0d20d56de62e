// Matrix products on top of the `gemm` kernel: `matmul` (2-D and batched with
// broadcast batch dimensions, as `torch.matmul`) and `linear` (as `F.linear`).

/// Below this many flops per matrix, a batched product gives each matrix its own task
/// rather than letting gemm split one matrix over the threads (a 197x197x64 attention
/// product is 5 MFLOP, about 50 microseconds on one core).
let batchedGemmSerialFlops = 32_000_000

extension Tensor {
  /// The matrix product `a @ b`.
  ///
  /// `a` is `[..., M, K]` and `b` is `[..., K, N]`, both of rank at least 2; the batch
  /// dimensions (all but the last two) broadcast as in `torch.matmul`, giving
  /// `[batch..., M, N]`. Rank-1 operands are not supported (reshape them first).
  public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(
      a.rank >= 2 && b.rank >= 2 && a.shape[a.rank - 1] == b.shape[b.rank - 2],
      "matmul: shapes \(a.shape) and \(b.shape) do not multiply")
    let result = matmulRaw(a, b, transposeA: false, transposeB: false)
    if needsGradient(a, b) {
      result.recordGradient("matmul", inputs: [a, b]) { g in
        // dA = g @ B^T, dB = A^T @ g, summed over broadcast batch dimensions.
        [
          a.requiresGrad
            ? matmulRaw(g, b, transposeA: false, transposeB: true).sumToShape(a.shape) : nil,
          b.requiresGrad ? matmulGradientB(a, g, shapeB: b.shape) : nil,
        ]
      }
    }
    return result
  }

  /// `A^T @ g` reduced to `b`'s shape; one large product when `b` is a plain matrix.
  private static func matmulGradientB(_ a: Tensor, _ g: Tensor, shapeB: [Int]) -> Tensor {
    if shapeB.count == 2 && a.rank > 2 {
      let k = a.shape[a.rank - 1]
      let n = g.shape[g.rank - 1]
      let rows = a.count / k
      return matmulRaw(
        a.reshapedRaw([rows, k]), g.reshapedRaw([rows, n]), transposeA: true,
        transposeB: false)
    }
    return matmulRaw(a, g, transposeA: true, transposeB: false).sumToShape(shapeB)
  }

  /// `op(a) @ op(b)` where `op` transposes the last two dimensions when asked, with
  /// broadcast batch dimensions. Not recorded.
  static func matmulRaw(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool)
    -> Tensor
  {
    let (ra, rb) = (a.rank, b.rank)
    let m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2]
    let k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1]
    let kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2]
    let n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1]
    precondition(k == kb, "matmul: shapes \(a.shape) and \(b.shape) do not multiply")
    let (lda, ldb) = (a.shape[ra - 1], b.shape[rb - 1])

    // A stack of matrices times one matrix is a single tall product.
    if rb == 2 && !transposeA {
      let rows = a.count / a.shape[ra - 1]
      let result = Tensor(uninitializedShape: Array(a.shape[..<(ra - 1)]) + [n])
      if rows > 0 && n > 0 {
        runGemm(
          transposeA: false, transposeB: transposeB, m: rows, n: n, k: k,
          a: a.storage.pointer, lda: lda, b: b.storage.pointer, ldb: ldb,
          c: result.storage.pointer)
      }
      return result
    }

    let batchA = Array(a.shape[..<(ra - 2)])
    let batchB = Array(b.shape[..<(rb - 2)])
    let batch = broadcastShape(batchA, batchB)
    let result = Tensor(uninitializedShape: batch + [m, n])
    let batchCount = batch.reduce(1, *)
    if batchCount == 0 || m == 0 || n == 0 { return result }

    let offsetsA = broadcastOffsets(batchA, to: batch, matrixSize: a.shape[ra - 2] * lda)
    let offsetsB = broadcastOffsets(batchB, to: batch, matrixSize: b.shape[rb - 2] * ldb)
    // Small products (attention's per-head matrices) run one per task, each gemm then
    // serial inside its task; large ones run in order and spread over the pool inside
    // gemm. Either way each output matrix is computed by one gemm call.
    let (pa, pb, pc) = (a.storage.pointer, b.storage.pointer, result.storage.pointer)
    let product = { (i: Int) in
      runGemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        a: pa + offsetsA[i], lda: lda, b: pb + offsetsB[i], ldb: ldb, c: pc + i * m * n)
    }
    if batchCount > 1 && 2 * m * n * k < batchedGemmSerialFlops {
      ThreadPool.shared.parallelFor(batchCount, product)
    } else {
      for i in 0..<batchCount { product(i) }
    }
    return result
  }

  /// `c = op(a) op(b)` (overwriting `c`, `ldc = n`), or zeros when `k` is 0.
  @inline(__always)
  static func runGemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>
  ) {
    if k == 0 {
      c.update(repeating: 0, count: m * n)
      return
    }
    gemm(
      transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
      a: a, lda: lda, b: b, ldb: max(ldb, 1), beta: 0, c: c, ldc: n)
  }

  /// For each index of the broadcast batch shape, the offset of the matching matrix
  /// in an operand with batch shape `batchShape`.
  private static func broadcastOffsets(_ batchShape: [Int], to batch: [Int], matrixSize: Int)
    -> [Int]
  {
    let padded = [Int](repeating: 1, count: batch.count - batchShape.count) + batchShape
    var strides = [Int](repeating: 0, count: batch.count)
    var s = matrixSize
    for d in stride(from: batch.count - 1, through: 0, by: -1) {
      strides[d] = padded[d] == 1 ? 0 : s
      s *= padded[d]
    }
    let total = batch.reduce(1, *)
    return (0..<total).map { index in
      var rest = index
      var offset = 0
      for d in stride(from: batch.count - 1, through: 0, by: -1) {
        offset += (rest % batch[d]) * strides[d]
        rest /= batch[d]
      }
      return offset
    }
  }

  /// `x @ weight^T + bias`, as `torch.nn.functional.linear`.
  ///
  /// `x` is `[..., inFeatures]`, `weight` `[outFeatures, inFeatures]`, `bias`
  /// `[outFeatures]` or nil; the result is `[..., outFeatures]`.
  public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(
      x.rank >= 1 && weight.rank == 2 && x.shape[x.rank - 1] == weight.shape[1],
      "linear: input \(x.shape) does not match weight \(weight.shape)")
    let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
    if let bias {
      precondition(
        bias.shape == [outFeatures], "linear: bias \(bias.shape) for weight \(weight.shape)")
    }
    let rows = x.count / max(inFeatures, 1)
    let result = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outFeatures])
    let y = result.storage.pointer

    // Start from the bias in every row, then add x W^T on top (beta = 1).
    if let bias {
      let b = bias.storage.pointer
      parallelItems(rows, workPerItem: outFeatures) { r in
        (y + r * outFeatures).update(from: b, count: outFeatures)
      }
    }
    if rows > 0 && outFeatures > 0 {
      if inFeatures == 0 {
        if bias == nil { y.update(repeating: 0, count: rows * outFeatures) }
      } else {
        gemm(
          transposeA: false, transposeB: true, m: rows, n: outFeatures, k: inFeatures,
          alpha: 1, a: x.storage.pointer, lda: inFeatures, b: weight.storage.pointer,
          ldb: inFeatures, beta: bias == nil ? 0 : 1, c: y, ldc: outFeatures)
      }
    }

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    if needsGradient(inputs) {
      result.recordGradient("linear", inputs: inputs) { g in
        let gy = g.storage.pointer
        var gradients: [Tensor?] = [nil, nil, nil]
        if x.requiresGrad {
          // dx [rows, in] = g [rows, out] @ W [out, in]
          let gx = Tensor(uninitializedShape: x.shape)
          runGemm(
            transposeA: false, transposeB: false, m: rows, n: inFeatures, k: outFeatures,
            a: gy, lda: outFeatures, b: weight.storage.pointer, ldb: inFeatures,
            c: gx.storage.pointer)
          gradients[0] = gx
        }
        if weight.requiresGrad {
          // dW [out, in] = g^T [out, rows] @ x [rows, in]
          let gw = Tensor(uninitializedShape: weight.shape)
          runGemm(
            transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: rows,
            a: gy, lda: outFeatures, b: x.storage.pointer, ldb: inFeatures,
            c: gw.storage.pointer)
          gradients[1] = gw
        }
        if let bias, bias.requiresGrad {
          let gb = Tensor(uninitializedShape: [outFeatures])
          reduceMiddle(gy, outer: 1, reduced: rows, inner: outFeatures, into: gb.storage.pointer)
          gradients[2] = gb
        }
        return Array(gradients.prefix(inputs.count))
      }
    }
    return result
  }
}
