import Tensor

/// A model's logits and output for a batch of images.
public struct ClassifierOutput {
  /// The head's linear layer output `[N, classes]`, before any softmax.
  public let logits: Tensor
  /// What the PyTorch model returns `[N, classes]`: probabilities for the reference's
  /// softmax head, the logits for a linear head.
  public let output: Tensor
}

/// A network that maps images `[N, 3, H, W]` to class scores through a feature
/// extractor and a `ClassifierHead`.
public protocol ImageClassifier: Module {
  /// The classifier; replace it to change the number of classes or the head kind.
  var head: ClassifierHead { get set }
  /// The head's attribute name in the state dict: `fc` (ResNet) or `head` (ViT).
  var headName: String { get }
  /// The pooled features `[N, featureCount]` the head reads.
  func features(_ images: Tensor) -> Tensor
  /// The width of the features.
  var featureCount: Int { get }
}

extension ImageClassifier {
  /// Logits and output for `images` `[N, 3, H, W]`, in the current mode, recording
  /// gradients unless inside `Tensor.withoutGradient`.
  public func forward(_ images: Tensor) -> ClassifierOutput {
    let logits = head.logits(features(images))
    return ClassifierOutput(logits: logits, output: head.output(fromLogits: logits))
  }

  /// The model's output for `images`, as calling the PyTorch module.
  public func callAsFunction(_ images: Tensor) -> Tensor { forward(images).output }

  /// The state-dict keys of the head's parameters.
  public var headKeys: [String] {
    let prefix = head.linearPrefix(headName)
    return [prefix + ".weight", prefix + ".bias"]
  }
}
