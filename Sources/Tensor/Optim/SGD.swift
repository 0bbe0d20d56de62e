/// Stochastic gradient descent with PyTorch's semantics (`torch.optim.SGD`, dampening
/// 0, Nesterov off): per parameter,
///
///     g  = g + weightDecay * p
///     b  = g                      at the parameter's first update with momentum,
///     b  = momentum * b + g       afterwards
///     p -= lr * (momentum == 0 ? g : b)
///
/// Parameters without a gradient at a step are skipped and keep their buffer.
public final class SGD: Optimizer {
  public let parameters: [Tensor]
  public var learningRate: Double
  /// Momentum factor; 0 means plain gradient descent and no buffers.
  public let momentum: Double
  /// L2 penalty coefficient, added to the gradient as `weightDecay * p`.
  public let weightDecay: Double
  /// One momentum buffer per parameter, nil until its first update.
  var momentumBuffers: [Tensor?]

  /// An optimizer over `parameters`.
  public init(
    parameters: [Tensor], learningRate: Double, momentum: Double = 0, weightDecay: Double = 0
  ) {
    precondition(learningRate >= 0, "SGD: negative learning rate \(learningRate)")
    precondition(momentum >= 0, "SGD: negative momentum \(momentum)")
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.momentumBuffers = Array(repeating: nil, count: parameters.count)
  }

  public func step() {
    let lr = Float(learningRate)
    let mu = Float(momentum)
    let decay = Float(weightDecay)
    for (index, parameter) in parameters.enumerated() {
      guard let grad = parameter.grad else { continue }
      precondition(
        grad.shape == parameter.shape,
        "SGD: gradient shape \(grad.shape) for parameter \(index) of shape \(parameter.shape)")
      let count = parameter.count
      let p = parameter.storage.pointer
      let g = grad.storage.pointer
      if momentum == 0 {
        for i in 0..<count {
          let gi = decay == 0 ? g[i] : g[i] + decay * p[i]
          p[i] -= lr * gi
        }
        continue
      }
      let isFirst = momentumBuffers[index] == nil
      let buffer = momentumBuffers[index] ?? Tensor.zeros(parameter.shape)
      momentumBuffers[index] = buffer
      let b = buffer.storage.pointer
      for i in 0..<count {
        let gi = decay == 0 ? g[i] : g[i] + decay * p[i]
        let bi = isFirst ? gi : mu * b[i] + gi
        b[i] = bi
        p[i] -= lr * bi
      }
    }
  }
}

extension SGD {
  /// The momentum buffers as named tensors in the layout of PyTorch's
  /// `optimizer.state_dict()` `state`: `state.<i>.momentum_buffer`, copies.
  public func exportState() -> [(name: String, tensor: Tensor)] {
    momentumBuffers.enumerated().compactMap { index, buffer in
      buffer.map { ("state.\(index).momentum_buffer", $0.copy()) }
    }
  }

  /// Replaces the momentum buffers with `entries` (`state.<i>.momentum_buffer`).
  /// Throws, leaving the state unchanged, on an unknown name, an index past the
  /// parameter count or a shape that differs from the parameter's.
  public func importState(_ entries: [(name: String, tensor: Tensor)]) throws {
    var imported: [Tensor?] = Array(repeating: nil, count: parameters.count)
    for (name, tensor) in entries {
      guard let (index, field) = parseStateName(name), field == "momentum_buffer" else {
        throw OptimizerStateError.unknownEntry(name: name)
      }
      guard index < parameters.count else {
        throw OptimizerStateError.parameterIndexOutOfRange(
          name: name, index: index, parameterCount: parameters.count)
      }
      guard tensor.shape == parameters[index].shape else {
        throw OptimizerStateError.shapeMismatch(
          name: name, expected: parameters[index].shape, found: tensor.shape)
      }
      imported[index] = tensor.copy()
    }
    momentumBuffers = imported
  }
}
