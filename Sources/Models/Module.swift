import Tensor

/// A layer or model: named parameters and buffers of its own, named children, and a
/// training flag, arranged so that names and order match PyTorch's `nn.Module`.
///
/// Each subclass lists its own tensors and children in the order PyTorch registers
/// them (the order of assignments in the PyTorch `__init__`). From those lists,
/// `namedParameters()` gives exactly what `named_parameters()` gives (the module's own
/// parameters, then each child's, depth first, with dotted names such as
/// `layer1.0.conv1.weight`), and `stateDict()` gives `state_dict()`'s keys in order.
/// The neuron studies depend on that order.
public class Module {
  /// Whether the module behaves as in training (batch statistics, dropout active).
  public fileprivate(set) var isTraining = true

  public init() {}

  /// This module's own trainable tensors, with their local names, in registration order.
  public var localParameters: [(name: String, tensor: Tensor)] { [] }

  /// This module's own non-trainable state (running statistics), in registration order.
  public var localBuffers: [(name: String, tensor: Tensor)] { [] }

  /// The direct submodules, with their attribute names, in registration order.
  public var children: [(name: String, module: Module)] { [] }
}

extension Module {
  /// Every module in the tree, this one first (named ""), then each child's subtree in
  /// order, as PyTorch's `named_modules()`.
  public func namedModules() -> [(name: String, module: Module)] {
    var result: [(name: String, module: Module)] = []
    func visit(_ module: Module, _ prefix: String) {
      result.append((prefix, module))
      for (name, child) in module.children {
        visit(child, prefix.isEmpty ? name : prefix + "." + name)
      }
    }
    visit(self, "")
    return result
  }

  /// Every parameter with its full dotted name, in PyTorch's `named_parameters()` order.
  public func namedParameters() -> [(name: String, tensor: Tensor)] {
    namedModules().flatMap { prefix, module in
      module.localParameters.map { (qualified(prefix, $0.name), $0.tensor) }
    }
  }

  /// The parameters alone, in `namedParameters()` order (what an optimizer takes).
  public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

  /// Every buffer with its full dotted name, in PyTorch's `named_buffers()` order.
  /// `num_batches_tracked` is a one-value tensor holding a whole number.
  public func namedBuffers() -> [(name: String, tensor: Tensor)] {
    namedModules().flatMap { prefix, module in
      module.localBuffers.map { (qualified(prefix, $0.name), $0.tensor) }
    }
  }

  /// Parameters and buffers under the keys of PyTorch's `state_dict()`, in its order:
  /// each module's parameters, then its buffers, then its children's entries. The
  /// tensors are the module's own (not copies); writing to them changes the model.
  public func stateDict() -> [(name: String, tensor: Tensor)] {
    namedModules().flatMap { prefix, module in
      (module.localParameters + module.localBuffers).map {
        (qualified(prefix, $0.name), $0.tensor)
      }
    }
  }

  /// Switches this module and every submodule to training behaviour.
  public func train() { setTraining(true) }

  /// Switches this module and every submodule to evaluation behaviour (running
  /// statistics in batch norm, no dropout).
  public func eval() { setTraining(false) }

  /// Sets the training flag of every module in the tree.
  public func setTraining(_ training: Bool) {
    for (_, module) in namedModules() { module.isTraining = training }
  }

  /// Forgets the gradient of every parameter.
  public func zeroGrad() {
    for (_, parameter) in namedParameters() { parameter.zeroGrad() }
  }

  /// The number of trainable values.
  public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.tensor.count } }
}

private func qualified(_ prefix: String, _ name: String) -> String {
  prefix.isEmpty ? name : prefix + "." + name
}
