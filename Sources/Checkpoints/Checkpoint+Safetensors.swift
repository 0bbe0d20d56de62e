/// How a `Checkpoint` maps onto safetensors, the project's native format, so that a
/// `.pth` converted to safetensors and back keeps its nesting, epoch, loss and
/// optimizer state:
///
/// - model tensors keep their state-dict names, in state-dict order;
/// - optimizer state tensors are named `optimizer_state_dict.state.<index>.<name>`, with
///   `step` as a 0-d float32 tensor;
/// - metadata `spurious.nesting`, `epoch`, `loss` and `spurious.param_groups` (the groups
///   as JSON) carry the rest, next to any metadata the caller set.
extension Checkpoint {
  static let optimizerTensorPrefix = "optimizer_state_dict.state."
  static let nestingKey = "spurious.nesting"
  static let parameterGroupsKey = "spurious.param_groups"

  init(safetensors contents: SafetensorsReader.Contents) {
    var model: [NamedTensor] = []
    var states: [OptimizerState.ParameterState] = []
    for (name, tensor) in contents.tensors {
      guard name.hasPrefix(Self.optimizerTensorPrefix) else {
        model.append(NamedTensor(name, tensor))
        continue
      }
      let rest = name.dropFirst(Self.optimizerTensorPrefix.count)
      guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else {
        model.append(NamedTensor(name, tensor))
        continue
      }
      let field = String(rest[rest.index(after: dot)...])
      if states.last?.index != index {
        states.append(OptimizerState.ParameterState(index: index, step: nil, tensors: []))
      }
      if field == "step" {
        states[states.count - 1].step = tensor.scalarValue
      } else {
        states[states.count - 1].tensors.append(NamedTensor(field, tensor))
      }
    }
    let metadata = contents.metadata
    self.init(
      tensors: model,
      nesting: metadata[Self.nestingKey].flatMap(CheckpointNesting.init(rawValue:)) ?? .bare,
      epoch: metadata["epoch"].flatMap { Int($0) }, loss: metadata["loss"].flatMap { Double($0) },
      metadata: metadata)
    let groups = metadata[Self.parameterGroupsKey].flatMap { try? JSONText.parse($0) }?.items
    if !states.isEmpty || groups != nil {
      let parsed = (groups ?? []).compactMap { group -> OptimizerState.ParameterGroup? in
        guard let entries = group.entries,
          let params = group["params"]?.items?.compactMap(\.intValue)
        else { return nil }
        // JSON has no tuples; Adam's betas were a tuple.
        let options = entries.filter { $0.key != .string("params") }.map { entry in
          entry.key == .string("betas") && entry.value.items != nil
            ? PickleEntry(entry.key, .tuple(entry.value.items!)) : entry
        }
        return OptimizerState.ParameterGroup(options: options, parameterIndices: params)
      }
      optimizer = OptimizerState(parameters: states, groups: parsed)
    }
  }

  /// The tensors and metadata of this checkpoint as safetensors holds them.
  var safetensorsContents: (tensors: [NamedTensor], metadata: [String: String]) {
    var tensors = self.tensors
    var metadata = self.metadata
    metadata["format"] = metadata["format"] ?? "pt"
    if nesting != .bare { metadata[Self.nestingKey] = nesting.rawValue }
    if let epoch { metadata["epoch"] = String(epoch) }
    if let loss { metadata["loss"] = String(loss) }
    if let optimizer {
      for state in optimizer.parameters {
        let prefix = Self.optimizerTensorPrefix + "\(state.index)."
        if let step = state.step {
          tensors.append(
            NamedTensor(prefix + "step", StoredTensor(shape: [], floats: [Float(step)])))
        }
        for tensor in state.tensors {
          tensors.append(NamedTensor(prefix + tensor.name, tensor.tensor))
        }
      }
      let groups = optimizer.groups.map { group -> PickleValue in
        .dict(
          group.options
            + [PickleEntry(.string("params"), .list(group.parameterIndices.map { .int($0) }))],
          ordered: false)
      }
      metadata[Self.parameterGroupsKey] = JSONText.render(.list(groups))
    }
    return (tensors, metadata)
  }
}
