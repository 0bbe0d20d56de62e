import Tensor

/// The ResNet bottleneck block as torchvision builds it (v1.5): 1x1 conv to `width`,
/// 3x3 conv carrying the stride, 1x1 conv to `width * 4`, each followed by batch norm,
/// ReLU after the first two and after the residual sum. A `downsample` (1x1 conv with
/// the stride, then batch norm) reshapes the shortcut when the block changes size.
/// Input `[N, inChannels, H, W]`, output `[N, 4 width, H / stride, W / stride]`.
public final class Bottleneck: Module {
  /// Output channels per `width`.
  public static let expansion = 4

  public let conv1: Conv2d
  public let bn1: BatchNorm2d
  public let conv2: Conv2d
  public let bn2: BatchNorm2d
  public let conv3: Conv2d
  public let bn3: BatchNorm2d
  /// Keys `downsample.0.*` (conv) and `downsample.1.*` (batch norm).
  public let downsample: Downsample?

  /// A block with torchvision's initialisation: convolutions Kaiming-normal
  /// (fan-out, ReLU gain), batch norm weight 1 and bias 0.
  public init(inChannels: Int, width: Int, stride: Int, generator: inout RandomGenerator) {
    let outChannels = width * Self.expansion
    conv1 = .resnet(inChannels, width, kernel: 1, stride: 1, &generator)
    bn1 = BatchNorm2d(channels: width)
    conv2 = .resnet(width, width, kernel: 3, stride: stride, &generator)
    bn2 = BatchNorm2d(channels: width)
    conv3 = .resnet(width, outChannels, kernel: 1, stride: 1, &generator)
    bn3 = BatchNorm2d(channels: outChannels)
    if stride != 1 || inChannels != outChannels {
      downsample = Downsample(
        conv: .resnet(inChannels, outChannels, kernel: 1, stride: stride, &generator),
        bn: BatchNorm2d(channels: outChannels))
    } else {
      downsample = nil
    }
  }

  public override var children: [(name: String, module: Module)] {
    var list: [(name: String, module: Module)] = [
      ("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3),
      ("bn3", bn3),
    ]
    if let downsample { list.append(("downsample", downsample)) }
    return list
  }

  /// `[N, C, H, W]` to `[N, 4 width, H', W']`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var out = bn1(conv1(x)).relu()
    out = bn2(conv2(out)).relu()
    out = bn3(conv3(out))
    let identity = downsample.map { $0.bn($0.conv(x)) } ?? x
    return (out + identity).relu()
  }
}

/// The shortcut projection of a bottleneck: `Sequential(conv, batch norm)`.
public final class Downsample: Module {
  public let conv: Conv2d
  public let bn: BatchNorm2d

  init(conv: Conv2d, bn: BatchNorm2d) {
    self.conv = conv
    self.bn = bn
  }

  public override var children: [(name: String, module: Module)] {
    [("0", conv), ("1", bn)]
  }
}

/// A list of modules named by position (`0`, `1`, ...), as `nn.Sequential` and
/// `nn.ModuleList`.
public final class ModuleList<Element: Module>: Module {
  public let elements: [Element]

  public init(_ elements: [Element]) { self.elements = elements }

  public override var children: [(name: String, module: Module)] {
    elements.enumerated().map { (String($0.offset), $0.element) }
  }
}

extension Conv2d {
  /// A bias-free ResNet convolution (padding keeps the size for 3x3) with
  /// torchvision's Kaiming-normal initialisation: std `sqrt(2 / (out * k * k))`.
  static func resnet(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int,
    _ generator: inout RandomGenerator
  ) -> Conv2d {
    let conv = Conv2d(
      inChannels: inChannels, outChannels: outChannels, kernelSize: kernel, stride: stride,
      padding: kernel / 2, bias: false, generator: &generator)
    conv.weight.assign(Tensor.kaimingNormal(conv.weight.shape, generator: &generator))
    return conv
  }
}
