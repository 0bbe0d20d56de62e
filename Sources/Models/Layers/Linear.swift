import Tensor

/// A fully connected layer, `y = x W^T + b`, as `torch.nn.Linear`: input
/// `[..., inFeatures]`, output `[..., outFeatures]`; `weight` is
/// `[outFeatures, inFeatures]` and `bias` `[outFeatures]`.
public final class Linear: Module {
  /// `[outFeatures, inFeatures]`.
  public let weight: Tensor
  /// `[outFeatures]`, or nil for a layer without bias.
  public let bias: Tensor?

  /// A layer with PyTorch's default initialisation from `generator`: weight and bias
  /// uniform in `±1/sqrt(inFeatures)` (Kaiming-uniform with `a = sqrt(5)`).
  public init(
    inFeatures: Int, outFeatures: Int, bias hasBias: Bool = true,
    generator: inout RandomGenerator
  ) {
    weight = Tensor.kaimingUniform([outFeatures, inFeatures], generator: &generator)
    bias =
      hasBias ? Tensor.biasUniform([outFeatures], fanIn: inFeatures, generator: &generator) : nil
  }

  public var inFeatures: Int { weight.shape[1] }
  public var outFeatures: Int { weight.shape[0] }

  /// A 0/1 pruning mask shaped like `weight`, or nil. While set, the layer computes
  /// with `weight * pruneMask` (the reference's `PrunedConv2d`/`PrunedLinear` with
  /// `prune_flag` on), so gradients reach only the unpruned weights through this path.
  public var pruneMask: Tensor?

  /// The weight the forward pass uses: masked while a pruning mask is set.
  var effectiveWeight: Tensor { prunedWeight(weight, mask: pruneMask) }

  public override var localParameters: [(name: String, tensor: Tensor)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  /// `[..., inFeatures]` to `[..., outFeatures]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    Tensor.linear(x, weight: effectiveWeight, bias: bias)
  }
}
