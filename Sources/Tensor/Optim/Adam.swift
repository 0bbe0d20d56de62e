import Foundation

/// Adam with PyTorch's semantics (`torch.optim.Adam`, amsgrad off, not maximising):
/// per parameter, with `g` its gradient and `t` its own step count,
///
///     g  = g + weightDecay * p                  (L2 added to the gradient, not AdamW)
///     m  = beta1 * m + (1 - beta1) * g
///     v  = beta2 * v + (1 - beta2) * g * g
///     p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
///
/// Scalars are computed in Double and applied to Float32 values, as PyTorch does with
/// Python floats. A parameter without a gradient at a step keeps its state unchanged,
/// so step counts are per parameter.
public final class Adam: Optimizer {
  /// Moments and step count of one parameter, created at its first update.
  struct State {
    var step: Int
    /// The first moment `m`, the parameter's shape.
    let expAvg: Tensor
    /// The second moment `v`, the parameter's shape.
    let expAvgSq: Tensor
  }

  public let parameters: [Tensor]
  public var learningRate: Double
  /// Decay rates of the first and second moments.
  public let beta1: Double
  public let beta2: Double
  /// Added to the denominator for numerical stability.
  public let epsilon: Double
  /// L2 penalty coefficient, added to the gradient as `weightDecay * p`.
  public let weightDecay: Double
  /// One entry per parameter; nil until the parameter's first update.
  var states: [State?]

  /// An optimizer over `parameters` with PyTorch's defaults.
  public init(
    parameters: [Tensor], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    epsilon: Double = 1e-8, weightDecay: Double = 0
  ) {
    precondition(learningRate >= 0, "Adam: negative learning rate \(learningRate)")
    precondition(
      (0..<1).contains(betas.0) && (0..<1).contains(betas.1), "Adam: betas \(betas) not in [0, 1)")
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = betas.0
    self.beta2 = betas.1
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.states = Array(repeating: nil, count: parameters.count)
  }

  /// The step count of parameter `index` (0 before its first update).
  public func stepCount(ofParameter index: Int) -> Int { states[index]?.step ?? 0 }

  public func step() {
    for (index, parameter) in parameters.enumerated() {
      guard let grad = parameter.grad else { continue }
      precondition(
        grad.shape == parameter.shape,
        "Adam: gradient shape \(grad.shape) for parameter \(index) of shape \(parameter.shape)")
      var state =
        states[index]
        ?? State(
          step: 0, expAvg: .zeros(parameter.shape), expAvgSq: .zeros(parameter.shape))
      state.step += 1
      update(parameter, gradient: grad, state: state)
      states[index] = state
    }
  }

  /// One update of one parameter, in place.
  private func update(_ parameter: Tensor, gradient: Tensor, state: State) {
    let t = Double(state.step)
    let biasCorrection1 = 1 - pow(beta1, t)
    let biasCorrection2Root = (1 - pow(beta2, t)).squareRoot()
    let stepSize = Float(learningRate / biasCorrection1)
    let inverseCorrection2 = Float(1 / biasCorrection2Root)
    let b1 = Float(beta1)
    let b2 = Float(beta2)
    let oneMinusB1 = Float(1 - beta1)
    let oneMinusB2 = Float(1 - beta2)
    let eps = Float(epsilon)
    let decay = Float(weightDecay)
    let count = parameter.count
    let p = parameter.storage.pointer
    let g = gradient.storage.pointer
    let m = state.expAvg.storage.pointer
    let v = state.expAvgSq.storage.pointer
    // Element-wise, so chunking cannot change any value.
    parallelChunks(count) { range in
      for i in range {
        let gi = decay == 0 ? g[i] : g[i] + decay * p[i]
        let mi = b1 * m[i] + oneMinusB1 * gi
        let vi = b2 * v[i] + oneMinusB2 * gi * gi
        m[i] = mi
        v[i] = vi
        let denominator = vi.squareRoot() * inverseCorrection2 + eps
        p[i] -= stepSize * mi / denominator
      }
    }
  }
}

extension Adam {
  /// The state as named tensors in the layout of PyTorch's `optimizer.state_dict()`
  /// `state` (keyed by parameter index): `state.<i>.step` (one value),
  /// `state.<i>.exp_avg` and `state.<i>.exp_avg_sq` (the parameter's shape), for
  /// every parameter updated at least once, in index order. The learning rate and
  /// other settings are not included. The tensors are copies.
  public func exportState() -> [(name: String, tensor: Tensor)] {
    var entries: [(name: String, tensor: Tensor)] = []
    for (index, state) in states.enumerated() {
      guard let state else { continue }
      entries.append(("state.\(index).step", Tensor(scalar: Float(state.step))))
      entries.append(("state.\(index).exp_avg", state.expAvg.copy()))
      entries.append(("state.\(index).exp_avg_sq", state.expAvgSq.copy()))
    }
    return entries
  }

  /// Replaces the state with `entries` as written by `exportState()` or read from a
  /// reference checkpoint's `optimizer_state_dict` (flattened to `state.<i>.<field>`).
  /// Parameters without entries start fresh. Throws, leaving the state unchanged, on an
  /// unknown name or field, an index past the parameter count, a shape that differs
  /// from the parameter's, or a parameter missing one of the three fields.
  public func importState(_ entries: [(name: String, tensor: Tensor)]) throws {
    var steps: [Int: Int] = [:]
    var firstMoments: [Int: Tensor] = [:]
    var secondMoments: [Int: Tensor] = [:]
    for (name, tensor) in entries {
      guard let (index, field) = parseStateName(name) else {
        throw OptimizerStateError.unknownEntry(name: name)
      }
      guard index < parameters.count else {
        throw OptimizerStateError.parameterIndexOutOfRange(
          name: name, index: index, parameterCount: parameters.count)
      }
      let shape = parameters[index].shape
      switch field {
      case "step":
        steps[index] = try parseStepCount(tensor, name: name)
      case "exp_avg", "exp_avg_sq":
        guard tensor.shape == shape else {
          throw OptimizerStateError.shapeMismatch(name: name, expected: shape, found: tensor.shape)
        }
        if field == "exp_avg" {
          firstMoments[index] = tensor.copy()
        } else {
          secondMoments[index] = tensor.copy()
        }
      default:
        throw OptimizerStateError.unknownEntry(name: name)
      }
    }

    var imported: [State?] = Array(repeating: nil, count: parameters.count)
    let indices = Set(steps.keys).union(firstMoments.keys).union(secondMoments.keys)
    for index in indices.sorted() {
      guard let step = steps[index] else {
        throw OptimizerStateError.incompleteState(index: index, missing: "step")
      }
      guard let expAvg = firstMoments[index] else {
        throw OptimizerStateError.incompleteState(index: index, missing: "exp_avg")
      }
      guard let expAvgSq = secondMoments[index] else {
        throw OptimizerStateError.incompleteState(index: index, missing: "exp_avg_sq")
      }
      imported[index] = State(step: step, expAvg: expAvg, expAvgSq: expAvgSq)
    }
    states = imported
  }
}
