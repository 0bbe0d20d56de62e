import Tensor

/// Layer normalisation over the last dimension, as `torch.nn.LayerNorm(features)`:
/// input `[..., features]`, same shape out, with biased variance.
public final class LayerNorm: Module {
  /// Scale `[features]`, initialised to 1.
  public let weight: Tensor
  /// Shift `[features]`, initialised to 0.
  public let bias: Tensor
  /// Added to the variance before the square root. The reference builds its ViTs
  /// with PyTorch's default 1e-5; DeiT and ViT were trained with 1e-6.
  public let epsilon: Float

  public init(features: Int, epsilon: Float) {
    weight = Tensor.ones([features], requiresGrad: true)
    bias = Tensor.zeros([features], requiresGrad: true)
    self.epsilon = epsilon
  }

  public override var localParameters: [(name: String, tensor: Tensor)] {
    [("weight", weight), ("bias", bias)]
  }

  /// `[..., features]` to the same shape.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    Tensor.layerNorm(x, weight: weight, bias: bias, eps: epsilon)
  }
}
