import Tensor

/// A 2-D convolution as `torch.nn.Conv2d` (square kernel, groups 1, no dilation):
/// input `[N, inChannels, H, W]`, output `[N, outChannels, H', W']` with
/// `H' = (H + 2 padding - kernel) / stride + 1`; `weight` is
/// `[outChannels, inChannels, kernel, kernel]`, `bias` `[outChannels]` or absent.
public final class Conv2d: Module {
  /// `[outChannels, inChannels, kernelSize, kernelSize]`.
  public let weight: Tensor
  /// `[outChannels]`, or nil (every ResNet convolution is bias-free).
  public let bias: Tensor?
  public let stride: Int
  public let padding: Int

  /// A layer with PyTorch's default initialisation from `generator`: weight and bias
  /// uniform in `±1/sqrt(fanIn)`, `fanIn = inChannels * kernelSize^2`
  /// (Kaiming-uniform with `a = sqrt(5)`).
  public init(
    inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    bias hasBias: Bool = true, generator: inout RandomGenerator
  ) {
    let shape = [outChannels, inChannels, kernelSize, kernelSize]
    weight = Tensor.kaimingUniform(shape, generator: &generator)
    let fanIn = inChannels * kernelSize * kernelSize
    bias = hasBias ? Tensor.biasUniform([outChannels], fanIn: fanIn, generator: &generator) : nil
    self.stride = stride
    self.padding = padding
  }

  public var inChannels: Int { weight.shape[1] }
  public var outChannels: Int { weight.shape[0] }
  public var kernelSize: Int { weight.shape[2] }

  /// A 0/1 pruning mask shaped like `weight`, or nil. While set, the layer computes
  /// with `weight * pruneMask` (the reference's `PrunedConv2d`/`PrunedLinear` with
  /// `prune_flag` on), so gradients reach only the unpruned weights through this path.
  public var pruneMask: Tensor?

  /// The weight the forward pass uses: masked while a pruning mask is set.
  var effectiveWeight: Tensor { prunedWeight(weight, mask: pruneMask) }

  public override var localParameters: [(name: String, tensor: Tensor)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  /// `[N, inChannels, H, W]` to `[N, outChannels, H', W']`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    Tensor.conv2d(x, weight: effectiveWeight, bias: bias, stride: stride, padding: padding)
  }
}
