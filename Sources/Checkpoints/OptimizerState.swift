/// An optimizer's `state_dict()` as `torch.optim` lays it out: per-parameter state keyed
/// by the parameter's index (Adam: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq`
/// with amsgrad) and the parameter groups (hyperparameters plus `params`, the indices).
/// Reading and writing this lets training resume from a reference checkpoint.
public struct OptimizerState: Equatable, Sendable {
  /// The state of one parameter.
  public struct ParameterState: Equatable, Sendable {
    /// The parameter's index: its position in the model's `parameters()` order.
    public var index: Int
    /// Steps taken (a 0-d float32 tensor since PyTorch 1.12, an int before).
    public var step: Double?
    /// The state tensors by name (`exp_avg`, `exp_avg_sq`, ...), each shaped like the
    /// parameter.
    public var tensors: [NamedTensor]

    public init(index: Int, step: Double?, tensors: [NamedTensor]) {
      self.index = index
      self.step = step
      self.tensors = tensors
    }

    /// Adam's state: first and second moment estimates, shaped like the parameter.
    public static func adam(index: Int, step: Double, expAvg: StoredTensor, expAvgSq: StoredTensor)
      -> ParameterState
    {
      ParameterState(
        index: index, step: step,
        tensors: [NamedTensor("exp_avg", expAvg), NamedTensor("exp_avg_sq", expAvgSq)])
    }

    /// The state tensor called `name`, if present.
    public func tensor(_ name: String) -> StoredTensor? {
      tensors.first { $0.name == name }?.tensor
    }

    /// Adam's first moment (`exp_avg`).
    public var expAvg: StoredTensor? { tensor("exp_avg") }
    /// Adam's second moment (`exp_avg_sq`).
    public var expAvgSq: StoredTensor? { tensor("exp_avg_sq") }
  }

  /// One parameter group: its hyperparameters, in the file's order, and its parameters.
  public struct ParameterGroup: Equatable, Sendable {
    /// Every key except `params` (`lr`, `betas`, `eps`, `weight_decay`, `amsgrad`, ...).
    public var options: [PickleEntry]
    /// The indices of the group's parameters.
    public var parameterIndices: [Int]

    public init(options: [PickleEntry], parameterIndices: [Int]) {
      self.options = options
      self.parameterIndices = parameterIndices
    }

    /// A group with the keys `torch.optim.Adam` (PyTorch 2.x) writes, defaults included.
    public static func adam(
      learningRate: Double, betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8,
      weightDecay: Double = 0, parameterIndices: [Int]
    ) -> ParameterGroup {
      let options: [(String, PickleValue)] = [
        ("lr", .float(learningRate)), ("betas", .tuple([.float(betas.0), .float(betas.1)])),
        ("eps", .float(epsilon)), ("weight_decay", .float(weightDecay)),
        ("amsgrad", .bool(false)), ("maximize", .bool(false)), ("foreach", .none),
        ("capturable", .bool(false)), ("differentiable", .bool(false)), ("fused", .none),
      ]
      return ParameterGroup(
        options: options.map { PickleEntry(.string($0.0), $0.1) },
        parameterIndices: parameterIndices)
    }

    /// The option called `name`, if present.
    public func option(_ name: String) -> PickleValue? {
      options.first { $0.key == .string(name) }?.value
    }

    public var learningRate: Double? { option("lr")?.doubleValue }
    public var epsilon: Double? { option("eps")?.doubleValue }
    public var weightDecay: Double? { option("weight_decay")?.doubleValue }
    /// Adam's (beta1, beta2).
    public var betas: (Double, Double)? {
      guard let items = option("betas")?.items, items.count == 2,
        let first = items[0].doubleValue, let second = items[1].doubleValue
      else { return nil }
      return (first, second)
    }
  }

  public var parameters: [ParameterState]
  public var groups: [ParameterGroup]

  public init(parameters: [ParameterState], groups: [ParameterGroup]) {
    self.parameters = parameters
    self.groups = groups
  }

  /// Reads `{'state': {index: {...}}, 'param_groups': [{..., 'params': [...]}]}`; nil
  /// when `value` is not laid out like that.
  init?(pickle value: PickleValue) {
    guard let stateEntries = value["state"]?.entries, let groupValues = value["param_groups"]?.items
    else { return nil }
    var parameters: [ParameterState] = []
    for entry in stateEntries {
      guard let index = entry.key.intValue, let fields = entry.value.entries else { return nil }
      var state = ParameterState(index: index, step: nil, tensors: [])
      for field in fields {
        guard case .string(let name) = field.key else { return nil }
        if name == "step" {
          state.step = field.value.doubleValue
        } else if case .tensor(let tensor) = field.value {
          state.tensors.append(NamedTensor(name, tensor))
        }
      }
      parameters.append(state)
    }
    var groups: [ParameterGroup] = []
    for groupValue in groupValues {
      guard let entries = groupValue.entries,
        let params = entries.first(where: { $0.key == .string("params") })?.value.items
      else { return nil }
      let indices = params.compactMap(\.intValue)
      guard indices.count == params.count else { return nil }
      groups.append(
        ParameterGroup(
          options: entries.filter { $0.key != .string("params") }, parameterIndices: indices))
    }
    self.init(parameters: parameters, groups: groups)
  }

  /// The layout `torch.optim.Optimizer.state_dict()` returns, with `step` as a 0-d
  /// float32 tensor as current PyTorch keeps it.
  var pickleValue: PickleValue {
    let state = parameters.map { parameter -> PickleEntry in
      var fields: [PickleEntry] = []
      if let step = parameter.step {
        fields.append(
          PickleEntry(.string("step"), .tensor(StoredTensor(shape: [], floats: [Float(step)]))))
      }
      for tensor in parameter.tensors {
        fields.append(PickleEntry(.string(tensor.name), .tensor(tensor.tensor)))
      }
      return PickleEntry(.int(parameter.index), .dict(fields, ordered: false))
    }
    let groups = groups.map { group -> PickleValue in
      .dict(
        group.options
          + [PickleEntry(.string("params"), .list(group.parameterIndices.map { .int($0) }))],
        ordered: false)
    }
    return .dict(
      [
        PickleEntry(.string("state"), .dict(state, ordered: false)),
        PickleEntry(.string("param_groups"), .list(groups)),
      ],
      ordered: false)
  }
}
