// Reverse-mode differentiation: each recorded op keeps a closure that maps the
// gradient of its output to the gradients of its inputs, and edges to where those
// gradients go: the input's own op, or the input itself when it is a leaf. Like
// PyTorch's graph, the edges do not hold the intermediate tensors, so an output that
// no backward step saved is freed as soon as the forward pass drops it (a batch norm
// output consumed by a ReLU, a sum, a copy made by a permute). `backward()` runs the
// closures once each, outputs before inputs, and frees what each saved as it goes.

/// Where an op's input sends the gradient it receives.
enum GradientEdge {
  /// A tensor no recorded op produced (a parameter, an image, a constant).
  case leaf(Tensor)
  /// The op that produced the input.
  case function(GradientFunction)

  /// The op at the end of this edge, nil for a leaf.
  var function: GradientFunction? {
    if case .function(let function) = self { return function }
    return nil
  }
}

/// How one op's output sends its gradient back to its inputs.
final class GradientFunction {
  /// The op's name, for error messages.
  let name: String
  /// The shape of the op's output, which its gradient must have.
  let shape: [Int]
  /// The op's inputs, in the order the closure returns their gradients.
  var inputs: [GradientEdge]
  /// Output gradient to input gradients (nil where an input needs none). Dropped after
  /// it has run, which frees the tensors it saved.
  var backward: ((Tensor) -> [Tensor?])?

  init(
    name: String, shape: [Int], inputs: [GradientEdge],
    backward: @escaping (Tensor) -> [Tensor?]
  ) {
    self.name = name
    self.shape = shape
    self.inputs = inputs
    self.backward = backward
  }

  // Releasing a long chain naively recurses once per op (the function, its input's
  // function, ...) and overflows the stack past some ten thousand ops. Instead, take
  // over the inputs of every function that is about to die and free them in a loop.
  // The inputs are taken before the closure goes, so that a saved tensor dying with
  // the closure never frees its own function from inside this one's deinit.
  deinit {
    var pending = inputs.compactMap(\.function)
    inputs = []
    backward = nil
    while var function = pending.popLast() {
      guard isKnownUniquelyReferenced(&function) else { continue }
      pending.append(contentsOf: function.inputs.compactMap(\.function))
      function.inputs = []
      function.backward = nil
    }
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
    let edges = inputs.map { input in
      input.gradFunction.map(GradientEdge.function) ?? .leaf(input)
    }
    gradFunction = GradientFunction(name: name, shape: shape, inputs: edges, backward: backward)
    requiresGrad = true
  }

  /// Accumulates into every leaf that requires a gradient the derivative of this
  /// one-element tensor (the loss) with respect to that leaf. Each recorded op's
  /// backward step runs once, and its saved tensors are freed, so the graph cannot be
  /// run backward twice (as in PyTorch without `retain_graph`).
  public func backward() {
    tensorPrecondition(count == 1, "backward: the loss must hold one value, shape is \(shape)")
    backward(gradient: Tensor.filled(shape, with: 1))
  }

  /// Like `backward()` with an explicit gradient of this tensor (same shape).
  public func backward(gradient seed: Tensor) {
    tensorPrecondition(
      seed.shape == shape, "backward: gradient shape \(seed.shape) for tensor shape \(shape)")
    tensorPrecondition(requiresGrad, "backward: the tensor does not require a gradient")
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
    let root = gradFunction!
    var order: [GradientFunction] = []
    var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    var stack: [(GradientFunction, Int)] = [(root, 0)]
    while let (function, next) = stack.popLast() {
      if next < function.inputs.count {
        stack.append((function, next + 1))
        if let input = function.inputs[next].function,
          visited.insert(ObjectIdentifier(input)).inserted
        {
          stack.append((input, 0))
        }
      } else {
        order.append(function)
      }
    }

    // Gradients of non-leaf tensors waiting for their op to run, keyed by that op. A
    // gradient received once may be shared with another tensor, so a second
    // contribution allocates a sum that this pass then owns and may update in place.
    var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
    var owned: Set<ObjectIdentifier> = []
    // Walk the list from its end, dropping each entry once processed so that the
    // tensors its closure saved are freed as the pass goes (memory stays bounded).
    var functions: [GradientFunction?] = order
    order = []
    for index in stride(from: functions.count - 1, through: 0, by: -1) {
      guard let function = functions[index] else { continue }
      functions[index] = nil
      let key = ObjectIdentifier(function)
      guard let gradient = pending.removeValue(forKey: key) else { continue }
      guard let step = function.backward else {
        tensorPreconditionFailure(
          "backward: the graph through \(function.name) was already used by a backward pass")
      }
      let inputGradients = step(gradient)
      tensorPrecondition(inputGradients.count == function.inputs.count, "\(function.name) backward")
      for (edge, inputGradient) in zip(function.inputs, inputGradients) {
        guard let inputGradient else { continue }
        switch edge {
        case .leaf(let input):
          guard input.requiresGrad else { continue }
          tensorPrecondition(
            inputGradient.shape == input.shape,
            "\(function.name) backward: gradient \(inputGradient.shape) for input \(input.shape)")
          input.accumulateLeafGradient(
            inputGradient, upstream: gradient, siblings: inputGradients)
        case .function(let input):
          tensorPrecondition(
            inputGradient.shape == input.shape,
            "\(function.name) backward: gradient \(inputGradient.shape) for input \(input.shape)")
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
  tensorPrecondition(a.count == b.count, "gradient accumulation: \(a.shape) += \(b.shape)")
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
