import Tensor

/// The Vision Transformer as the reference builds it for DeiT and ViT
/// (`models/deit_prune.VisionTransformer`, timm naming): patch embedding, a class token
/// prepended, learned position embeddings added, pre-norm blocks, a final LayerNorm,
/// and the head applied to the class token. No distillation token, no pre-logits
/// layer, qkv with bias, exact GELU, no dropout.
///
/// State-dict keys, in order: `cls_token [1, 1, D]`, `pos_embed [1, 1 + patches, D]`,
/// `patch_embed.proj.*`, `blocks.{i}.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1,
/// mlp.fc2}.*`, `norm.*`, then `head.*` (linear) or `head.0.*` (softmax head).
public final class VisionTransformer: Module, ImageClassifier {
  /// Sizes and the LayerNorm epsilon.
  public struct Configuration: Equatable, Sendable {
    public var imageSize: Int
    public var patchSize: Int
    public var embedDimension: Int
    public var depth: Int
    public var heads: Int
    public var mlpRatio: Int
    /// 1e-5 reproduces the reference (PyTorch's default); the checkpoints were trained
    /// with 1e-6 (timm's value).
    public var layerNormEpsilon: Float

    public init(
      imageSize: Int = 224, patchSize: Int = 16, embedDimension: Int, depth: Int, heads: Int,
      mlpRatio: Int = 4, layerNormEpsilon: Float = 1e-5
    ) {
      precondition(imageSize % patchSize == 0, "ViT: image \(imageSize) not a multiple of patch")
      self.imageSize = imageSize
      self.patchSize = patchSize
      self.embedDimension = embedDimension
      self.depth = depth
      self.heads = heads
      self.mlpRatio = mlpRatio
      self.layerNormEpsilon = layerNormEpsilon
    }

    /// Patches per image.
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }

    /// DeiT-tiny: D 192, depth 12, 3 heads.
    public static let deitTiny = Configuration(embedDimension: 192, depth: 12, heads: 3)
    /// DeiT-small: D 384, depth 12, 6 heads.
    public static let deitSmall = Configuration(embedDimension: 384, depth: 12, heads: 6)
    /// DeiT-base: D 768, depth 12, 12 heads.
    public static let deitBase = Configuration(embedDimension: 768, depth: 12, heads: 12)
    /// ViT-L/16 (the paper's "deit_large", from `jx_vit_large_patch16_224_in21k`):
    /// D 1024, depth 24, 16 heads.
    public static let vitLarge = Configuration(embedDimension: 1024, depth: 24, heads: 16)
  }

  public let configuration: Configuration
  /// `[1, 1, D]`.
  public let clsToken: Tensor
  /// `[1, 1 + patches, D]`.
  public let posEmbed: Tensor
  public let patchEmbed: PatchEmbedding
  public let blocks: ModuleList<TransformerBlock>
  public let norm: LayerNorm
  public var head: ClassifierHead

  /// A network initialised as the reference does: class token, position embedding
  /// and block linears from a normal of std 0.02 (truncated at +-2), biases 0,
  /// LayerNorms 1 and 0; the patch embedding and head with PyTorch's defaults.
  public init(
    _ configuration: Configuration, head kind: HeadKind, classes: Int,
    generator: inout RandomGenerator
  ) {
    self.configuration = configuration
    let d = configuration.embedDimension
    patchEmbed = PatchEmbedding(
      channels: 3, dimension: d, patchSize: configuration.patchSize, generator: &generator)
    clsToken = Tensor.truncatedNormal([1, 1, d], std: 0.02, generator: &generator)
    clsToken.requiresGrad = true
    posEmbed = Tensor.truncatedNormal(
      [1, 1 + configuration.patchCount, d], std: 0.02, generator: &generator)
    posEmbed.requiresGrad = true
    var list: [TransformerBlock] = []
    for _ in 0..<configuration.depth {
      list.append(
        TransformerBlock(
          dimension: d, heads: configuration.heads, mlpRatio: configuration.mlpRatio,
          epsilon: configuration.layerNormEpsilon, generator: &generator))
    }
    blocks = ModuleList(list)
    norm = LayerNorm(features: d, epsilon: configuration.layerNormEpsilon)
    head = ClassifierHead(kind: kind, features: d, classes: classes, generator: &generator)
  }

  public var headName: String { "head" }

  public var featureCount: Int { configuration.embedDimension }

  public override var localParameters: [(name: String, tensor: Tensor)] {
    [("cls_token", clsToken), ("pos_embed", posEmbed)]
  }

  public override var children: [(name: String, module: Module)] {
    [("patch_embed", patchEmbed), ("blocks", blocks), ("norm", norm), ("head", head)]
  }

  /// Images `[B, 3, S, S]` (S the configured image size) to the normalised class
  /// token `[B, D]`.
  public func features(_ images: Tensor) -> Tensor {
    let size = configuration.imageSize
    precondition(
      images.rank == 4 && images.shape[1] == 3 && images.shape[2] == size
        && images.shape[3] == size,
      "VisionTransformer: input \(images.shape), expected [N, 3, \(size), \(size)]")
    let batch = images.shape[0]
    let patches = patchEmbed(images)
    let cls = Tensor.concat(Array(repeating: clsToken, count: batch), axis: 0)
    var x = Tensor.concat([cls, patches], axis: 1) + posEmbed
    for block in blocks.elements { x = block(x) }
    return norm(x).select(axis: 1, index: 0)
  }
}
