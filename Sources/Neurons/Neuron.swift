import Tensor

/// One neuron of a network: an output channel of a convolution (`[out, in, kh, kw]`
/// weight, index into `out`) or an output row of a linear layer (`[out, in]` weight).
///
/// `score` is what ranked it: the L2 norm of the channel's weights (largest study) or
/// of its gradient (most-activated study), as a Float32 like the reference's
/// `torch.norm`.
public struct Neuron: Hashable, Codable, Sendable {
  /// The parameter's state-dict name, e.g. `layer1.0.conv2.weight`.
  public var parameter: String
  /// The output channel (or row) within that parameter.
  public var index: Int
  /// The L2 norm that ranked this neuron.
  public var score: Float

  public init(parameter: String, index: Int, score: Float) {
    self.parameter = parameter
    self.index = index
    self.score = score
  }
}

/// A parameter by its state-dict name, in the model's registration order.
public typealias NamedParameter = (name: String, tensor: Tensor)
