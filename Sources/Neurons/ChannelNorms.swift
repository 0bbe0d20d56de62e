import Tensor

/// L2 norms of the output channels (the first dimension) of a weight or gradient.
///
/// For a `[out, in, kh, kw]` convolution weight this is `W.norm(dim=(1,2,3))`, the
/// reference's channel score; for a `[out, in]` linear weight it is the norm of each
/// row. Sums of squares are accumulated in Double and rounded once to Float, which
/// agrees with PyTorch's Float32 reduction to within an ulp or two.
public func outputChannelNorms(_ tensor: Tensor) -> [Float] {
  precondition(tensor.rank >= 1, "outputChannelNorms: needs rank >= 1, got shape \(tensor.shape)")
  let channels = tensor.shape[0]
  let perChannel = channels == 0 ? 0 : tensor.count / channels
  return tensor.withUnsafeBufferPointer { values in
    (0..<channels).map { c in
      var sum: Double = 0
      let base = c * perChannel
      for i in 0..<perChannel {
        let v = Double(values[base + i])
        sum += v * v
      }
      return Float(sum.squareRoot())
    }
  }
}
