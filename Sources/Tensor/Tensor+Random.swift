import Foundation

// Random tensors and PyTorch's parameter initialisations, drawn sequentially from a
// `RandomGenerator` so they depend only on its seed. They follow torch's distributions,
// not its random stream.

extension Tensor {
  /// Values uniform in [low, high).
  public static func uniform(
    _ shape: [Int], low: Float, high: Float, generator: inout RandomGenerator,
    requiresGrad: Bool = false
  ) -> Tensor {
    let result = Tensor(uninitializedShape: shape)
    result.withUnsafeMutableBufferPointer { generator.fillUniform($0, low: low, high: high) }
    result.requiresGrad = requiresGrad
    return result
  }

  /// Values `mean + std * z` with `z` standard normal (Box-Muller pairs in order).
  public static func normal(
    _ shape: [Int], mean: Float = 0, std: Float = 1, generator: inout RandomGenerator,
    requiresGrad: Bool = false
  ) -> Tensor {
    let result = Tensor(uninitializedShape: shape)
    result.withUnsafeMutableBufferPointer { generator.fillNormal($0, mean: mean, std: std) }
    result.requiresGrad = requiresGrad
    return result
  }

  /// Normal values redrawn until they fall in [lower, upper], as timm's
  /// `trunc_normal_(std=0.02)` (whose bounds -2 and 2 are absolute values, not multiples
  /// of `std`). Rejection sampling gives exactly the truncated distribution.
  public static func truncatedNormal(
    _ shape: [Int], mean: Float = 0, std: Float = 0.02, lower: Float = -2, upper: Float = 2,
    generator: inout RandomGenerator, requiresGrad: Bool = false
  ) -> Tensor {
    precondition(lower < upper, "truncatedNormal: bounds \(lower), \(upper)")
    let result = Tensor(uninitializedShape: shape)
    result.withUnsafeMutableBufferPointer { buffer in
      for i in 0..<buffer.count {
        var value: Float
        repeat {
          value = mean + std * generator.normal()
        } while value < lower || value > upper
        buffer[i] = value
      }
    }
    result.requiresGrad = requiresGrad
    return result
  }

  /// Fan-in and fan-out of a weight as PyTorch computes them: `shape[1]` and
  /// `shape[0]` times the product of the remaining (receptive field) dimensions.
  public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    precondition(shape.count >= 2, "fans: weight shape \(shape) needs at least 2 dimensions")
    let receptive = shape[2...].reduce(1, *)
    return (shape[1] * receptive, shape[0] * receptive)
  }

  /// `kaiming_normal_(mode='fan_out', nonlinearity='relu')`, torchvision's ResNet conv
  /// init: normal with std `sqrt(2 / fanOut)`.
  public static func kaimingNormal(
    _ shape: [Int], generator: inout RandomGenerator, requiresGrad: Bool = true
  ) -> Tensor {
    let std = (2 / Float(fans(shape).fanOut)).squareRoot()
    return normal(shape, std: std, generator: &generator, requiresGrad: requiresGrad)
  }

  /// `kaiming_uniform_(a=sqrt(5))`, the default weight init of `nn.Linear` and
  /// `nn.Conv2d`: uniform in +-`gain * sqrt(3 / fanIn)` with `gain = sqrt(2 / (1 + a^2))`,
  /// which is +-`1 / sqrt(fanIn)`.
  public static func kaimingUniform(
    _ shape: [Int], generator: inout RandomGenerator, requiresGrad: Bool = true
  ) -> Tensor {
    let a = Float(5).squareRoot()
    let gain = (2 / (1 + a * a)).squareRoot()
    let bound = gain * (3 / Float(fans(shape).fanIn)).squareRoot()
    return uniform(
      shape, low: -bound, high: bound, generator: &generator, requiresGrad: requiresGrad)
  }

  /// The default bias init of `nn.Linear` and `nn.Conv2d`: uniform in
  /// +-`1 / sqrt(fanIn)` of the layer's weight.
  public static func biasUniform(
    _ shape: [Int], fanIn: Int, generator: inout RandomGenerator, requiresGrad: Bool = true
  ) -> Tensor {
    let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
    return uniform(
      shape, low: -bound, high: bound, generator: &generator, requiresGrad: requiresGrad)
  }

  /// Inverted dropout, as `torch.nn.functional.dropout`: in training each value is
  /// zeroed with probability `p` and the survivors scaled by `1 / (1 - p)`; otherwise,
  /// or when `p` is 0, the input itself is returned. The mask is drawn in index order.
  public func dropout(p: Float, training: Bool, generator: inout RandomGenerator) -> Tensor {
    precondition(p >= 0 && p <= 1, "dropout: probability \(p) not in [0, 1]")
    if !training || p == 0 { return self }
    let mask = Tensor(uninitializedShape: shape)
    let keep = 1 - Double(p)
    let scale: Float = p == 1 ? 0 : 1 / (1 - p)
    mask.withUnsafeMutableBufferPointer { buffer in
      for i in 0..<buffer.count { buffer[i] = generator.bernoulli(keep) ? scale : 0 }
    }
    return self * mask
  }
}
