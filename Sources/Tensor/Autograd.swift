// Reverse-mode differentiation: each recorded op keeps its inputs and a closure that
// maps the gradient of its output to the gradients of its inputs. `backward()` runs
// those closures once each, outputs before inputs, and frees what they saved.

/// How one op's output sends its gradient back to its inputs.
final class GradientFunction {
  /// The op's name, for error messages.
  let name: String
  /// The op's inputs, in the order the closure returns their gradients.
  var inputs: [Tensor]
  /// Output gradient to input gradients (nil where an input needs none). Dropped after
  /// it has run, which frees the tensors it saved.
  var backward: ((Tensor) -> [Tensor?])?

  init(name: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
    self.name = name
    self.inputs = inputs
    self.backward = backward
  }
}

/// Whether ops record gradients, per task (or per thread outside tasks), so that
/// concurrent callers, such as parallel tests, do not switch each other's mode.
private enum GradientMode {
  @TaskLocal static var isEnabled = true
}

extension Tensor {
  /// Whether ops currently record gradients (false inside `withoutGradient`).
  public static var isGradientEnabled: Bool { GradientMode.isEnabled }

  /// Runs `body` with recording switched off: ops compute values only, allocate nothing
  /// for the graph, and their results do not require gradients (like `torch.no_grad`).
  public static func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$isEnabled.withValue(false) { try body() }
  }

  /// Whether an op on these inputs must record its backward step.
  @inline(__always)
  static func needsGradient(_ a: Tensor) -> Bool {
    GradientMode.isEnabled && a.requiresGrad
  }

  /// Whether an op on these inputs must record its backward step.
  @inline(__always)
  static func needsGradient(_ a: Tensor, _ b: Tensor) -> Bool {
    GradientMode.isEnabled && (a.requiresGrad || b.requiresGrad)
  }

  /// Whether an op on these inputs must record its backward step.
  static func needsGradient(_ inputs: [Tensor]) -> Bool {
    GradientMode.isEnabled && inputs.contains { $0.requiresGrad }
  }

  /// Marks `self` as the output of an op whose backward step is `backward`. The closure
  /// must return, for each input, a fresh tensor of the input's shape, the output
  /// gradient itself (or a reshape of it), or nil.
  func recordGradient(
    _ name: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]
  ) {
    gradFunction = GradientFunction(name: name, inputs: inputs, backward: backward)
    requiresGrad = true
  }

  /// Accumulates into every leaf that requires a gradient the derivative of this
  /// one-element tensor (the loss) with respect to that leaf. Each recorded op's
  /// backward step runs once, and its saved tensors are freed, so the graph cannot be
  /// run backward twice (as in PyTorch without `retain_graph`).
  public func backward() {
    precondition(count == 1, "backward: the loss must hold one value, shape is \(shape)")
    backward(gradient: Tensor.filled(shape, with: 1))
  }

  /// Like `backward()` with an explicit gradient of this tensor (same shape).
  public func backward(gradient seed: Tensor) {
    precondition(
      seed.shape == shape, "backward: gradient shape \(seed.shape) for tensor shape \(shape)")
    precondition(requiresGrad, "backward: the tensor does not require a gradient")
    if gradFunction == nil {
      accumulateLeafGradient(seed, upstream: nil, siblings: [])
      return
    }

    // Backward steps run ops of their own; those must not be recorded.
    GradientMode.$isEnabled.withValue(false) { runBackward(seed) }
  }

  /// The backward pass proper, with recording off.
  private func runBackward(_ seed: Tensor) {
    // Post-order depth-first walk without recursion (graphs can be thousands deep):
    // every op appears after all ops that consume it once the list is reversed.
    var order: [Tensor] = []
    var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
    var stack: [(Tensor, Int)] = [(self, 0)]
    while let (node, next) = stack.popLast() {
      let inputs = node.gradFunction!.inputs
      if next < inputs.count {
        stack.append((node, next + 1))
        let input = inputs[next]
        if input.gradFunction != nil && visited.insert(ObjectIdentifier(input)).inserted {
          stack.append((input, 0))
        }
      } else {
        order.append(node)
      }
    }

    // Gradients of non-leaf tensors waiting for their op to run. A gradient received
    // once may be shared with another tensor, so a second contribution allocates a
    // sum that this pass then owns and may update in place.
    var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
    var owned: Set<ObjectIdentifier> = []
    // Walk the list from its end, dropping each entry once processed so that the
    // activations it references can be freed as the pass goes (memory stays bounded).
    var nodes: [Tensor?] = order
    order = []
    for index in stride(from: nodes.count - 1, through: 0, by: -1) {
      guard let node = nodes[index] else { continue }
      nodes[index] = nil
      let key = ObjectIdentifier(node)
      guard let gradient = pending.removeValue(forKey: key) else { continue }
      let function = node.gradFunction!
      guard let step = function.backward else {
        preconditionFailure(
          "backward: the graph through \(function.name) was already used by a backward pass")
      }
      let inputGradients = step(gradient)
      precondition(inputGradients.count == function.inputs.count, "\(function.name) backward")
      for (input, inputGradient) in zip(function.inputs, inputGradients) {
        guard let inputGradient, input.requiresGrad else { continue }
        precondition(
          inputGradient.shape == input.shape,
          "\(function.name) backward: gradient \(inputGradient.shape) for input \(input.shape)")
        if input.gradFunction == nil {
          input.accumulateLeafGradient(
            inputGradient, upstream: gradient, siblings: inputGradients)
          continue
        }
        let inputKey = ObjectIdentifier(input)
        if let existing = pending[inputKey] {
          if owned.contains(inputKey) {
            addInPlace(existing, inputGradient)
          } else {
            pending[inputKey] = sumOfGradients(existing, inputGradient)
            owned.insert(inputKey)
          }
        } else {
          pending[inputKey] = inputGradient
        }
      }
      function.backward = nil
      function.inputs = []
      owned.remove(key)
    }
  }

  /// Adds `gradient` into `grad`, taking the tensor itself when nothing else can hold it.
  private func accumulateLeafGradient(_ gradient: Tensor, upstream: Tensor?, siblings: [Tensor?]) {
    if let grad {
      addInPlace(grad, gradient)
      return
    }
    let shared =
      upstream?.storage === gradient.storage
      || siblings.contains { $0 !== gradient && $0?.storage === gradient.storage }
      || upstream == nil
    grad = shared ? gradient.copy() : Tensor(shape: shape, storage: gradient.storage)
  }
}

/// `a += b` on values of equal count, outside autograd.
func addInPlace(_ a: Tensor, _ b: Tensor) {
  precondition(a.count == b.count, "gradient accumulation: \(a.shape) += \(b.shape)")
  let x = a.storage.pointer
  mapBinary(x, b.storage.pointer, x, count: a.count, vector: { $0 + $1 }, scalar: { $0 + $1 })
}

/// `a + b` into a new tensor of `a`'s shape, outside autograd.
func sumOfGradients(_ a: Tensor, _ b: Tensor) -> Tensor {
  let result = Tensor(uninitializedShape: a.shape)
  mapBinary(
    a.storage.pointer, b.storage.pointer, result.storage.pointer, count: a.count,
    vector: { $0 + $1 }, scalar: { $0 + $1 })
  return result
}
