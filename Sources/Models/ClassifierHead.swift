import Tensor

/// Which classifier sits on top of the features.
public enum HeadKind: String, CaseIterable, Sendable {
  /// The reference's head, `Sequential(Linear(d, classes), Softmax(dim=1))`: the model
  /// outputs probabilities and its loss is cross-entropy applied to them. Keys
  /// `<head>.0.weight`, `<head>.0.bias`. The default, for parity.
  case softmax
  /// A plain `Linear(d, classes)` whose output (logits) is the model's output, as in
  /// the ImageNet checkpoints. Keys `<head>.weight`, `<head>.bias`.
  case linear
}

/// The classifier: a linear layer, followed by a softmax for `HeadKind.softmax`.
/// Input `[N, features]`; logits and output `[N, classes]`.
public final class ClassifierHead: Module {
  public let kind: HeadKind
  /// The linear layer, `weight [classes, features]`.
  public let linear: Linear

  /// A freshly initialised head (PyTorch's default Linear initialisation).
  public init(kind: HeadKind, features: Int, classes: Int, generator: inout RandomGenerator) {
    self.kind = kind
    linear = Linear(inFeatures: features, outFeatures: classes, generator: &generator)
  }

  public var classes: Int { linear.outFeatures }
  public var features: Int { linear.inFeatures }

  // The softmax head is a Sequential whose Linear is child "0"; the linear head is
  // the Linear itself, so its tensors belong to this module directly.
  public override var localParameters: [(name: String, tensor: Tensor)] {
    kind == .linear ? linear.localParameters : []
  }

  public override var children: [(name: String, module: Module)] {
    kind == .softmax ? [("0", linear)] : []
  }

  /// The linear layer's output `[N, classes]`, before any softmax.
  public func logits(_ features: Tensor) -> Tensor { linear(features) }

  /// What the PyTorch module returns for these logits: probabilities for the softmax
  /// head, the logits themselves for the linear head.
  public func output(fromLogits logits: Tensor) -> Tensor {
    kind == .softmax ? logits.softmax(axis: -1) : logits
  }

  /// The state-dict key prefix of the linear layer under `name` (`fc` or `head`).
  func linearPrefix(_ name: String) -> String { kind == .softmax ? name + ".0" : name }
}
