import Tensor

/// SimCLR's normalised temperature-scaled cross-entropy between two views, as the
/// reference's `nt_xent(x, features2, t)` (REFERENCE.md 4.0).
///
/// With `u = normalize(a)`, `v = normalize(b)` (rows, `[B, C]`) and `z = [u; v]`
/// (`[2B, C]`): for each of the 2B rows, the positive is its partner in the other view,
/// `pos_i = exp(<u_i, v_i> / t)`, and the negatives are every other row but itself and
/// its partner, `Ng_i = sum_j exp(<z_i, z_j> / t)`. The loss is the mean over rows of
/// `-log(pos_i / (pos_i + Ng_i))`.
///
/// In prune-finetune the inputs are the two-class outputs of the full and the pruned
/// network, not embeddings, as in the reference.
public func ntXentLoss(_ a: Tensor, _ b: Tensor, temperature: Float) -> Tensor {
  precondition(
    a.rank == 2 && a.shape == b.shape, "ntXentLoss: views \(a.shape) and \(b.shape) differ")
  let batch = a.shape[0]
  let u = a.l2Normalized(axis: 1)
  let v = b.l2Normalized(axis: 1)
  let z = Tensor.concat([u, v], axis: 0)
  let similarities = (Tensor.matmul(z, z.transposed(0, 1)) / temperature).exp()
  let negatives = similarities.masked(by: negativeMask(batch: batch)).sum(axis: 1)
  let positiveLogit = (u * v).sum(axis: 1) / temperature
  let positive = Tensor.concat([positiveLogit, positiveLogit], axis: 0)
  // -log(pos / (pos + Ng)) = log(pos + Ng) - log(pos), with log(pos) = the logit.
  return ((positive.exp() + negatives).log() - positive).mean()
}

/// The reference's `get_negative_mask`: `[2B, 2B]` ones, with zeros on the diagonal
/// (a row with itself) and at `(i, i + B)` and `(i + B, i)` (the positive pair).
func negativeMask(batch: Int) -> Tensor {
  let size = 2 * batch
  var values = [Float](repeating: 1, count: size * size)
  for i in 0..<size {
    values[i * size + i] = 0
    values[i * size + (i + batch) % size] = 0
  }
  return Tensor(values, shape: [size, size])
}
