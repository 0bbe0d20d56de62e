import Foundation
import Tensor

/// Multi-head self-attention as in timm and the reference: one `qkv` projection
/// `D -> 3D` (with bias), scaled dot products `softmax(q k^T / sqrt(D / heads))`,
/// and an output projection `proj`. Input and output `[B, N, D]`.
public final class Attention: Module {
  public let heads: Int
  public let qkv: Linear
  public let proj: Linear

  init(dimension: Int, heads: Int, generator: inout RandomGenerator) {
    precondition(dimension % heads == 0, "Attention: \(dimension) not divisible by \(heads) heads")
    self.heads = heads
    qkv = .transformer(dimension, 3 * dimension, &generator)
    proj = .transformer(dimension, dimension, &generator)
  }

  public override var children: [(name: String, module: Module)] {
    [("qkv", qkv), ("proj", proj)]
  }

  /// `[B, N, D]` to `[B, N, D]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let (batch, tokens, dimension) = (x.shape[0], x.shape[1], x.shape[2])
    let headDimension = dimension / heads
    // [B, N, 3D] -> [B, N, 3, heads, hd] -> [3, B, heads, N, hd]
    let qkvValues = qkv(x).reshaped([batch, tokens, 3, heads, headDimension])
      .permuted([2, 0, 3, 1, 4])
    let q = qkvValues.select(axis: 0, index: 0)
    let k = qkvValues.select(axis: 0, index: 1)
    let v = qkvValues.select(axis: 0, index: 2)
    // softmax(q k^T / sqrt(hd)) v: [B, heads, N, hd]
    let mixed = Tensor.scaledDotProductAttention(query: q, key: k, value: v)
    return proj(mixed.transposed(1, 2).reshaped([batch, tokens, dimension]))
  }
}

/// The transformer MLP: `fc1` (D -> hidden), exact GELU, `fc2` (hidden -> D).
public final class MLP: Module {
  public let fc1: Linear
  public let fc2: Linear

  init(dimension: Int, hidden: Int, generator: inout RandomGenerator) {
    fc1 = .transformer(dimension, hidden, &generator)
    fc2 = .transformer(hidden, dimension, &generator)
  }

  public override var children: [(name: String, module: Module)] {
    [("fc1", fc1), ("fc2", fc2)]
  }

  /// `[..., D]` to `[..., D]`.
  public func callAsFunction(_ x: Tensor) -> Tensor { fc2(fc1(x).gelu()) }
}

/// A pre-norm transformer block: `x + attn(norm1(x))`, then `x + mlp(norm2(x))`.
/// Input and output `[B, N, D]`. Dropout and drop-path are 0 in the reference.
public final class TransformerBlock: Module {
  public let norm1: LayerNorm
  public let attn: Attention
  public let norm2: LayerNorm
  public let mlp: MLP

  init(
    dimension: Int, heads: Int, mlpRatio: Int, epsilon: Float, generator: inout RandomGenerator
  ) {
    norm1 = LayerNorm(features: dimension, epsilon: epsilon)
    attn = Attention(dimension: dimension, heads: heads, generator: &generator)
    norm2 = LayerNorm(features: dimension, epsilon: epsilon)
    mlp = MLP(dimension: dimension, hidden: dimension * mlpRatio, generator: &generator)
  }

  public override var children: [(name: String, module: Module)] {
    [("norm1", norm1), ("attn", attn), ("norm2", norm2), ("mlp", mlp)]
  }

  /// `[B, N, D]` to `[B, N, D]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let y = x + attn(norm1(x))
    return y + mlp(norm2(y))
  }
}

/// The patch embedding: a convolution with kernel and stride equal to the patch size.
public final class PatchEmbedding: Module {
  public let proj: Conv2d

  init(channels: Int, dimension: Int, patchSize: Int, generator: inout RandomGenerator) {
    proj = Conv2d(
      inChannels: channels, outChannels: dimension, kernelSize: patchSize, stride: patchSize,
      generator: &generator)
  }

  public override var children: [(name: String, module: Module)] { [("proj", proj)] }

  /// Images `[B, C, H, W]` to patch tokens `[B, (H / p) (W / p), D]`, row by row.
  public func callAsFunction(_ images: Tensor) -> Tensor {
    proj(images).flattened(from: 2).transposed(1, 2)
  }
}

extension Linear {
  /// A transformer linear layer with the reference's initialisation: weight from a
  /// normal of std 0.02 truncated to [-2, 2] (timm's `trunc_normal_`), bias 0.
  static func transformer(
    _ inFeatures: Int, _ outFeatures: Int, _ generator: inout RandomGenerator
  ) -> Linear {
    let layer = Linear(inFeatures: inFeatures, outFeatures: outFeatures, generator: &generator)
    layer.weight.assign(
      Tensor.truncatedNormal(layer.weight.shape, std: 0.02, generator: &generator))
    layer.bias?.fill(0)
    return layer
  }
}
