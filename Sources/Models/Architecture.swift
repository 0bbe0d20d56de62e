import Tensor

/// The networks the paper uses, by the reference's `--experiment_arch` names.
public enum Architecture: String, CaseIterable, Sendable {
  /// torchvision ResNet-50 (v1.5).
  case resnet50
  /// Not in the paper: a narrow ResNet with ResNet-50's structure and key names (one
  /// bottleneck per stage, widths 16/32/64/128), small enough for the demo and the
  /// end-to-end tests to train in seconds on a CPU.
  case resnetMini = "resnet_mini"
  /// DeiT-tiny: ViT with D 192, depth 12, 3 heads, patch 16, image 224.
  case deitTiny = "deit_tiny"
  /// DeiT-small: D 384, depth 12, 6 heads.
  case deitSmall = "deit_small"
  /// DeiT-base: D 768, depth 12, 12 heads.
  case deitBase = "deit_base"
  /// The paper's "deit_large", which is ViT-L/16 pretrained on ImageNet-21k
  /// (`jx_vit_large_patch16_224_in21k`): D 1024, depth 24, 16 heads.
  case deitLarge = "deit_large"

  /// Classes of the published ImageNet checkpoint: 1000, or 21843 for ViT-L in21k.
  public var imagenetClasses: Int { self == .deitLarge ? 21843 : 1000 }

  /// Whether this is a Vision Transformer (as opposed to the ResNet).
  public var isTransformer: Bool { resnetConfiguration == nil }

  /// The ResNet sizes of a convolutional architecture, nil for the transformers.
  public var resnetConfiguration: ResNet.Configuration? {
    switch self {
    case .resnet50: return .resnet50
    case .resnetMini:
      return ResNet.Configuration(layers: [1, 1, 1, 1], stemWidth: 16, widths: [16, 32, 64, 128])
    case .deitTiny, .deitSmall, .deitBase, .deitLarge: return nil
    }
  }

  /// The ViT sizes of a transformer architecture with the given LayerNorm epsilon.
  public func transformerConfiguration(layerNormEpsilon: Float) -> VisionTransformer.Configuration?
  {
    var configuration: VisionTransformer.Configuration
    switch self {
    case .resnet50, .resnetMini: return nil
    case .deitTiny: configuration = .deitTiny
    case .deitSmall: configuration = .deitSmall
    case .deitBase: configuration = .deitBase
    case .deitLarge: configuration = .vitLarge
    }
    configuration.layerNormEpsilon = layerNormEpsilon
    return configuration
  }

  /// A freshly initialised network. `layerNormEpsilon` applies to the transformers
  /// (1e-5 reproduces the reference; 1e-6 is what the checkpoints were trained with).
  public func make(
    head: HeadKind, classes: Int, layerNormEpsilon: Float = 1e-5,
    imageSize: Int = 224, generator: inout RandomGenerator
  ) -> any ImageClassifier {
    guard var configuration = transformerConfiguration(layerNormEpsilon: layerNormEpsilon) else {
      return ResNet(
        resnetConfiguration ?? .resnet50, head: head, classes: classes, generator: &generator)
    }
    configuration.imageSize = imageSize
    return VisionTransformer(configuration, head: head, classes: classes, generator: &generator)
  }
}
