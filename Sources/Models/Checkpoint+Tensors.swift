import Checkpoints
import Tensor

// The bridge between the Checkpoints target's stored values and live tensors: a
// checkpoint's state dict becomes named `Tensor`s for `Module.load(stateDict:)`, and a
// model (with its Adam state) becomes a `Checkpoint` that the writers save.

extension StoredTensor {
  /// The values as a Float32 tensor of the same shape (integers converted exactly up
  /// to 2^24, which covers `num_batches_tracked` of any real run).
  public var tensor: Tensor { Tensor(floats, shape: shape) }

  /// A stored copy of `tensor`, as float32.
  public init(_ tensor: Tensor) {
    self.init(shape: tensor.shape, floats: tensor.toArray())
  }
}

extension Checkpoint {
  /// The model's state dict as tensors, in file order (wrappers such as `model` or
  /// `model_state_dict` and DataParallel's `module.` already removed by the reader).
  public var stateDict: [(name: String, tensor: Tensor)] {
    tensors.map { ($0.name, $0.tensor.tensor) }
  }

  /// A checkpoint of `model`'s state dict in PyTorch's key order, `num_batches_tracked`
  /// stored as int64 as PyTorch does, everything else float32; optionally with the
  /// epoch, loss and Adam state the reference's `epoch_{e}_checkpoints.pth.tar` hold.
  public init(
    model: Module, nesting: CheckpointNesting = .modelStateDict, epoch: Int? = nil,
    loss: Double? = nil, adam: Adam? = nil
  ) {
    let tensors = model.stateDict().map { name, tensor in
      name.hasSuffix("num_batches_tracked")
        ? NamedTensor(name, StoredTensor(shape: [], integers: [Int64(tensor.item)]))
        : NamedTensor(name, StoredTensor(tensor))
    }
    self.init(
      tensors: tensors, nesting: nesting, epoch: epoch, loss: loss,
      optimizer: adam.map(OptimizerState.init(adam:)))
  }
}

extension OptimizerState {
  /// The per-parameter state as the `state.<index>.<field>` entries `Adam.importState`
  /// and `SGD.importState` read (`step` as a one-value tensor).
  public var stateEntries: [(name: String, tensor: Tensor)] {
    parameters.flatMap { parameter in
      let step = parameter.step.map {
        [("state.\(parameter.index).step", Tensor(scalar: Float($0)))]
      }
      return (step ?? [])
        + parameter.tensors.map { ("state.\(parameter.index).\($0.name)", $0.tensor.tensor) }
    }
  }

  /// The `state_dict()` `torch.optim.Adam` would write for `adam`: state keyed by
  /// parameter index and one parameter group with its settings and learning rate.
  public init(adam: Adam) {
    var states: [Int: ParameterState] = [:]
    var steps: [Int: Double] = [:]
    var moments: [Int: [NamedTensor]] = [:]
    for (name, tensor) in adam.exportState() {
      let parts = name.split(separator: ".")
      guard parts.count == 3, let index = Int(parts[1]) else { continue }
      if parts[2] == "step" {
        steps[index] = Double(tensor.item)
      } else {
        moments[index, default: []].append(NamedTensor(String(parts[2]), StoredTensor(tensor)))
      }
    }
    for (index, step) in steps {
      states[index] = ParameterState(index: index, step: step, tensors: moments[index] ?? [])
    }
    self.init(
      parameters: states.keys.sorted().map { states[$0]! },
      groups: [
        .adam(
          learningRate: adam.learningRate, betas: (adam.beta1, adam.beta2),
          epsilon: adam.epsilon, weightDecay: adam.weightDecay,
          parameterIndices: Array(adam.parameters.indices))
      ])
  }
}
