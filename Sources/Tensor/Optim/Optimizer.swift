/// Something that updates parameters from their accumulated gradients, with one
/// learning rate that a scheduler may change between steps.
///
/// Parameters are the tensors passed at creation, in the caller's order (for a model,
/// the order of `namedParameters()`, which is PyTorch's `named_parameters()` order).
/// A parameter whose `grad` is nil at a step is skipped, as PyTorch skips parameters
/// whose `.grad` is None: its state (moments, step count) does not advance.
public protocol Optimizer: AnyObject {
  /// The learning rate used by the next `step()`.
  var learningRate: Double { get set }
  /// The parameters this optimizer updates, in order.
  var parameters: [Tensor] { get }
  /// Updates every parameter that has a gradient.
  func step()
}

extension Optimizer {
  /// Forgets every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`).
  public func zeroGrad() {
    for parameter in parameters { parameter.zeroGrad() }
  }
}

/// A problem with optimizer state read from outside (a checkpoint).
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
  /// A state entry whose name is not `state.<index>.<field>` with a known field.
  case unknownEntry(name: String)
  /// A state entry for a parameter index the optimizer does not have.
  case parameterIndexOutOfRange(name: String, index: Int, parameterCount: Int)
  /// A moment tensor whose shape differs from its parameter's.
  case shapeMismatch(name: String, expected: [Int], found: [Int])
  /// A parameter with some but not all of the fields its state needs.
  case incompleteState(index: Int, missing: String)
  /// A step count that is not a whole number of at least 1.
  case invalidStepCount(name: String, value: Float)

  public var description: String {
    switch self {
    case .unknownEntry(let name):
      return "optimizer state: unexpected entry '\(name)' (expected state.<index>.<field>)"
    case .parameterIndexOutOfRange(let name, let index, let count):
      return
        "optimizer state: '\(name)' is for parameter \(index), but the optimizer has \(count)"
    case .shapeMismatch(let name, let expected, let found):
      return "optimizer state: '\(name)' has shape \(found), the parameter has shape \(expected)"
    case .incompleteState(let index, let missing):
      return "optimizer state: parameter \(index) lacks 'state.\(index).\(missing)'"
    case .invalidStepCount(let name, let value):
      return "optimizer state: '\(name)' is \(value), expected a whole number of at least 1"
    }
  }
}

/// Splits `state.<index>.<field>` into its index and field.
func parseStateName(_ name: String) -> (index: Int, field: String)? {
  let parts = name.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
  guard parts.count == 3, parts[0] == "state", let index = Int(parts[1]), index >= 0 else {
    return nil
  }
  return (index, String(parts[2]))
}

/// Reads a one-value step-count tensor as a positive integer.
func parseStepCount(_ tensor: Tensor, name: String) throws -> Int {
  guard tensor.count == 1 else {
    throw OptimizerStateError.shapeMismatch(name: name, expected: [], found: tensor.shape)
  }
  let value = tensor.item
  guard value >= 1, value == value.rounded(), value < 16_777_216 else {
    throw OptimizerStateError.invalidStepCount(name: name, value: value)
  }
  return Int(value)
}
