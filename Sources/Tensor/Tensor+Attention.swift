// Scaled dot-product attention as one op: softmax(q k^T * scale) v, with the
// attention probabilities as the only saved intermediate.

extension Tensor {
  /// `softmax(q @ k^T * scale, axis: -1) @ v`, as
  /// `torch.nn.functional.scaled_dot_product_attention` without mask or dropout.
  ///
  /// `q` is `[..., Nq, D]`, `k` `[..., Nk, D]`, `v` `[..., Nk, Dv]` with equal leading
  /// (batch, head) dimensions; the result is `[..., Nq, Dv]`. `scale` defaults to
  /// `1 / sqrt(D)`, timm's `head_dim ** -0.5`.
  public static func scaledDotProductAttention(
    query q: Tensor, key k: Tensor, value v: Tensor, scale: Float? = nil
  ) -> Tensor {
    precondition(
      q.rank >= 2 && k.rank == q.rank && v.rank == q.rank
        && q.shape.dropLast(2) == k.shape.dropLast(2) && k.shape.dropLast(2) == v.shape.dropLast(2)
        && q.shape[q.rank - 1] == k.shape[k.rank - 1] && k.shape[k.rank - 2] == v.shape[v.rank - 2],
      "attention: query \(q.shape), key \(k.shape), value \(v.shape) do not match")
    let d = q.shape[q.rank - 1]
    let factor = scale ?? 1 / Float(d).squareRoot()

    // P = softmax(q k^T * scale), then out = P v.
    let probabilities = Tensor.withoutGradient {
      (matmulRaw(q, k, transposeA: false, transposeB: true) * factor).softmax(axis: -1)
    }
    let result = matmulRaw(probabilities, v, transposeA: false, transposeB: false)

    if needsGradient([q, k, v]) {
      result.recordGradient("scaledDotProductAttention", inputs: [q, k, v]) { g in
        // dV = P^T g; dP = g V^T; dS = P * (dP - rowsum(dP * P)) * scale;
        // dQ = dS K; dK = dS^T Q.
        let gradV =
          v.requiresGrad ? matmulRaw(probabilities, g, transposeA: true, transposeB: false) : nil
        let gradP = matmulRaw(g, v, transposeA: false, transposeB: true)
        let n = probabilities.shape.last!
        let (pp, gpp) = (probabilities.storage.pointer, gradP.storage.pointer)
        parallelItems(probabilities.count / n, workPerItem: n) { r in
          let (pr, gr) = (pp + r * n, gpp + r * n)
          let dot = dotRange(gr, pr, count: n)
          for j in 0..<n { gr[j] = pr[j] * (gr[j] - dot) * factor }
        }
        let gradQ = q.requiresGrad ? matmulRaw(gradP, k, transposeA: false, transposeB: false) : nil
        let gradK = k.requiresGrad ? matmulRaw(gradP, q, transposeA: true, transposeB: false) : nil
        return [gradQ, gradK, gradV]
      }
    }
    return result
  }
}
