import Tensor

/// ResNet with bottleneck blocks as torchvision builds it (`torchvision.models.resnet`,
/// v1.5): a 7x7 stride-2 stem convolution, batch norm, ReLU, 3x3 stride-2 max
/// pooling, four stages of bottlenecks (the first block of stages 2-4 halves the
/// size), global average pooling and the classifier `fc`.
///
/// State-dict keys: `conv1.weight`, `bn1.*`, `layer{1-4}.{i}.conv{1,2,3}.weight`,
/// `layer{1-4}.{i}.bn{1,2,3}.*`, `layer{1-4}.0.downsample.{0,1}.*`, then `fc.weight`
/// and `fc.bias` (linear head) or `fc.0.weight` and `fc.0.bias` (the reference's
/// softmax head).
public final class ResNet: Module, ImageClassifier {
  /// Sizes of a ResNet: blocks per stage and channel widths.
  public struct Configuration: Equatable, Sendable {
    /// Bottlenecks in each of the four stages.
    public var layers: [Int]
    /// Output channels of the stem convolution.
    public var stemWidth: Int
    /// Bottleneck width of each stage (its output is four times as wide).
    public var widths: [Int]

    public init(layers: [Int], stemWidth: Int, widths: [Int]) {
      precondition(layers.count == 4 && widths.count == 4, "ResNet: four stages expected")
      self.layers = layers
      self.stemWidth = stemWidth
      self.widths = widths
    }

    /// ResNet-50: [3, 4, 6, 3] bottlenecks of widths 64, 128, 256, 512.
    public static let resnet50 = Configuration(
      layers: [3, 4, 6, 3], stemWidth: 64, widths: [64, 128, 256, 512])
  }

  public let configuration: Configuration
  public let conv1: Conv2d
  public let bn1: BatchNorm2d
  public let layer1: ModuleList<Bottleneck>
  public let layer2: ModuleList<Bottleneck>
  public let layer3: ModuleList<Bottleneck>
  public let layer4: ModuleList<Bottleneck>
  public var head: ClassifierHead

  /// A network initialised as torchvision does (Kaiming-normal convolutions with
  /// fan-out, batch norm 1 and 0, the head with PyTorch's Linear default), from
  /// `generator`.
  public init(
    _ configuration: Configuration = .resnet50, head kind: HeadKind, classes: Int,
    generator: inout RandomGenerator
  ) {
    self.configuration = configuration
    conv1 = Conv2d(
      inChannels: 3, outChannels: configuration.stemWidth, kernelSize: 7, stride: 2, padding: 3,
      bias: false, generator: &generator)
    conv1.weight.assign(Tensor.kaimingNormal(conv1.weight.shape, generator: &generator))
    bn1 = BatchNorm2d(channels: configuration.stemWidth)

    var channels = configuration.stemWidth
    var stages: [ModuleList<Bottleneck>] = []
    for stage in 0..<4 {
      var blocks: [Bottleneck] = []
      for index in 0..<configuration.layers[stage] {
        let stride = stage > 0 && index == 0 ? 2 : 1
        let block = Bottleneck(
          inChannels: channels, width: configuration.widths[stage], stride: stride,
          generator: &generator)
        channels = configuration.widths[stage] * Bottleneck.expansion
        blocks.append(block)
      }
      stages.append(ModuleList(blocks))
    }
    (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3])
    head = ClassifierHead(kind: kind, features: channels, classes: classes, generator: &generator)
  }

  public var headName: String { "fc" }

  public var featureCount: Int { configuration.widths[3] * Bottleneck.expansion }

  public override var children: [(name: String, module: Module)] {
    [
      ("conv1", conv1), ("bn1", bn1), ("layer1", layer1), ("layer2", layer2),
      ("layer3", layer3), ("layer4", layer4), ("fc", head),
    ]
  }

  /// The stages in order.
  public var stages: [ModuleList<Bottleneck>] { [layer1, layer2, layer3, layer4] }

  /// Images `[N, 3, H, W]` to pooled features `[N, 4 * widths[3]]`.
  public func features(_ images: Tensor) -> Tensor {
    var x = bn1(conv1(images)).relu()
    x = x.maxPool2d(kernelSize: 3, stride: 2, padding: 1)
    for stage in stages {
      for block in stage.elements { x = block(x) }
    }
    return x.adaptiveAvgPool2d(outputHeight: 1, outputWidth: 1).flattened(from: 1)
  }
}
