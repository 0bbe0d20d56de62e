import Tensor

/// `weight * mask` when a pruning mask is set (the reference's `PrunedConv2d` and
/// `PrunedLinear` with `prune_flag` on), else `weight` itself. The mask is a constant:
/// gradients reach the unpruned weights only. Traps when the shapes differ.
func prunedWeight(_ weight: Tensor, mask: Tensor?) -> Tensor {
  guard let mask else { return weight }
  precondition(
    mask.shape == weight.shape, "pruneMask: mask \(mask.shape) for weight \(weight.shape)")
  return weight.masked(by: mask)
}
