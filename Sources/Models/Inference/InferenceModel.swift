import Tensor

/// A frozen copy of a model for evaluation: no autograd tape, and for the ResNet every
/// batch norm folded into the convolution before it (`W' = W * s`, `b' = beta - mean * s`
/// with `s = gamma / sqrt(var + eps)` per output channel), so each conv-BN(-ReLU) is
/// one convolution with bias. It computes what the model computes in eval mode, up to
/// rounding.
///
/// The folded weights are a snapshot taken at creation: after the model's weights or
/// running statistics change (training, loading, neuron edits), make a new one.
public final class InferenceModel {
  private enum Plan {
    case resnet(FoldedResNet)
    case transformer(VisionTransformer)
  }

  private let plan: Plan
  private let head: ClassifierHead

  /// A snapshot of `model`'s current weights (the model itself is not modified).
  public init(_ model: any ImageClassifier) {
    head = model.head
    if let resnet = model as? ResNet {
      plan = .resnet(FoldedResNet(resnet))
    } else if let transformer = model as? VisionTransformer {
      plan = .transformer(transformer)
    } else {
      preconditionFailure("InferenceModel: unsupported model type \(type(of: model))")
    }
  }

  /// Logits and output for `images` `[N, 3, H, W]`, as the model in eval mode gives.
  public func forward(_ images: Tensor) -> ClassifierOutput {
    Tensor.withoutGradient {
      let features: Tensor
      switch plan {
      case .resnet(let folded): features = folded.features(inChunksOf: images)
      // The transformer has no batch norm or active dropout, so its training flag does
      // not change its output.
      case .transformer(let model): features = model.features(images)
      }
      let logits = head.logits(features)
      return ClassifierOutput(logits: logits, output: head.output(fromLogits: logits))
    }
  }
}

/// One convolution with batch norm folded in: weight `[O, I, k, k]` (kept packed for
/// the forward kernel), bias `[O]`.
struct FoldedConv {
  let weight: PackedConv2dWeights
  let bias: Tensor
  let stride: Int
  let padding: Int

  init(_ conv: Conv2d, _ bn: BatchNorm2d) {
    let (outChannels, perChannel) = (conv.outChannels, conv.weight.count / conv.outChannels)
    let weight = conv.weight.copy()
    let bias = Tensor.zeros([outChannels])
    let w = weight.storage.pointer
    let (gamma, beta) = (bn.weight.storage.pointer, bn.bias.storage.pointer)
    let (mean, variance) = (bn.runningMean.storage.pointer, bn.runningVar.storage.pointer)
    for o in 0..<outChannels {
      let scale = gamma[o] / (variance[o] + bn.epsilon).squareRoot()
      for i in 0..<perChannel { w[o * perChannel + i] *= scale }
      bias.storage.pointer[o] = beta[o] - mean[o] * scale
    }
    self.weight = PackedConv2dWeights(weight.storage.pointer, shape: weight.shape)
    self.bias = bias
    stride = conv.stride
    padding = conv.padding
  }

  /// `[N, I, H, W]` to `[N, O, H', W']`, plus `residual` if given, optionally followed
  /// by ReLU; the sum and ReLU are fused into the convolution's output pass.
  func callAsFunction(_ x: Tensor, residual: Tensor? = nil, relu: Bool) -> Tensor {
    Tensor.conv2d(
      x, packedWeight: weight, bias: bias, stride: stride, padding: padding,
      residual: residual, relu: relu)
  }
}

/// The ResNet with every conv-BN pair folded.
struct FoldedResNet {
  struct Block {
    let conv1: FoldedConv
    let conv2: FoldedConv
    let conv3: FoldedConv
    let downsample: FoldedConv?
  }

  let stem: FoldedConv
  let blocks: [Block]

  init(_ model: ResNet) {
    stem = FoldedConv(model.conv1, model.bn1)
    blocks = model.stages.flatMap(\.elements).map { block in
      Block(
        conv1: FoldedConv(block.conv1, block.bn1), conv2: FoldedConv(block.conv2, block.bn2),
        conv3: FoldedConv(block.conv3, block.bn3),
        downsample: block.downsample.map { FoldedConv($0.conv, $0.bn) })
    }
  }

  /// Images per pass through the network. Larger batches are cut into chunks of this
  /// many: the throughput is the same from 4 images on (measured at 224, batch 8 to 32),
  /// while the activations of a whole evaluation batch of 64 (205 MB per tensor in the
  /// first stage) outgrew the storage cache, so each pass faulted in fresh pages: in a
  /// study at batch 64, 6.4 M page faults and 18 s of system time against 0.7 M and
  /// 3.4 s in chunks of 8, and 1.2 GB peak memory against 0.8 GB.
  static let chunkImages = 8

  /// `features`, `chunkImages` images at a time.
  func features(inChunksOf images: Tensor) -> Tensor {
    let count = images.shape[0]
    if count <= Self.chunkImages { return features(images) }
    return Tensor.concat(
      stride(from: 0, to: count, by: Self.chunkImages).map {
        features(images.slice(axis: 0, $0..<min(count, $0 + Self.chunkImages)))
      }, axis: 0)
  }

  /// Images `[N, 3, H, W]` to pooled features `[N, C]`.
  func features(_ images: Tensor) -> Tensor {
    var x = stem(images, relu: true).maxPool2d(kernelSize: 3, stride: 2, padding: 1)
    for block in blocks {
      let identity = block.downsample.map { $0(x, relu: false) } ?? x
      var out = block.conv1(x, relu: true)
      out = block.conv2(out, relu: true)
      x = block.conv3(out, residual: identity, relu: true)
    }
    return x.adaptiveAvgPool2d(outputHeight: 1, outputWidth: 1).flattened(from: 1)
  }
}
