import Tensor

/// What happened when named tensors were copied into a model.
public struct LoadReport: Equatable, Sendable {
  /// Model keys that received values, in the model's order.
  public var loaded: [String] = []
  /// Model keys absent from the source, in the model's order (left as they were).
  public var missing: [String] = []
  /// Source keys the model does not have, in the source's order (ignored).
  public var unexpected: [String] = []
  /// `num_batches_tracked` keys absent from the source and set to 0, as PyTorch does
  /// for checkpoints saved before the buffer existed (`resnet50-19c8e357.pth`).
  public var defaulted: [String] = []

  public init() {}

  /// Whether every model key was loaded and nothing was left over.
  public var isExact: Bool { missing.isEmpty && unexpected.isEmpty }
}

/// Why named tensors could not be loaded into a model.
public enum ModelLoadError: Error, Equatable, CustomStringConvertible {
  /// A key whose tensor has a different shape in the source and in the model.
  case shapeMismatch(key: String, model: [Int], checkpoint: [Int])
  /// Strict loading found keys missing from, or not expected by, the model.
  case keysDoNotMatch(missing: [String], unexpected: [String])
  /// The source names the same key twice.
  case duplicateKey(String)

  public var description: String {
    switch self {
    case .shapeMismatch(let key, let model, let checkpoint):
      return "size mismatch for \(key): the checkpoint has shape \(checkpoint), "
        + "the model has shape \(model)"
    case .keysDoNotMatch(let missing, let unexpected):
      var parts: [String] = []
      if !missing.isEmpty { parts.append("missing keys: \(missing.joined(separator: ", "))") }
      if !unexpected.isEmpty {
        parts.append("unexpected keys: \(unexpected.joined(separator: ", "))")
      }
      return "the checkpoint does not match the model; " + parts.joined(separator: "; ")
    case .duplicateKey(let key):
      return "the checkpoint holds the key \(key) twice"
    }
  }
}

extension Module {
  /// Copies `source` into the model's parameters and buffers by key (PyTorch's
  /// `load_state_dict`). A shape mismatch always throws, naming the key and both
  /// shapes, before anything is written. With `strict`, missing or unexpected keys
  /// throw as well; otherwise they are listed in the report. A missing
  /// `num_batches_tracked` is set to 0 and listed as defaulted, not missing.
  /// Scalars stored as shape `[]` or `[1]` are interchangeable.
  @discardableResult
  public func load(
    stateDict source: [(name: String, tensor: Tensor)], strict: Bool = true
  ) throws -> LoadReport {
    var sourceByName: [String: Tensor] = [:]
    for (name, tensor) in source {
      guard sourceByName.updateValue(tensor, forKey: name) == nil else {
        throw ModelLoadError.duplicateKey(name)
      }
    }

    var report = LoadReport()
    var writes: [(target: Tensor, value: Tensor)] = []
    let target = stateDict()
    let targetNames = Set(target.map(\.name))
    for (name, tensor) in target {
      guard let value = sourceByName[name] else {
        if name.hasSuffix("num_batches_tracked") {
          report.defaulted.append(name)
          writes.append((tensor, Tensor.zeros(tensor.shape)))
        } else {
          report.missing.append(name)
        }
        continue
      }
      guard sameShape(tensor.shape, value.shape) else {
        throw ModelLoadError.shapeMismatch(key: name, model: tensor.shape, checkpoint: value.shape)
      }
      report.loaded.append(name)
      writes.append((tensor, value))
    }
    report.unexpected = source.map(\.name).filter { !targetNames.contains($0) }

    if strict && !report.isExact {
      throw ModelLoadError.keysDoNotMatch(missing: report.missing, unexpected: report.unexpected)
    }
    for (tensor, value) in writes where tensor !== value { tensor.assign(value) }
    return report
  }
}

/// Equal shapes, treating a scalar `[]` and a one-value vector `[1]` as the same.
private func sameShape(_ a: [Int], _ b: [Int]) -> Bool {
  if a == b { return true }
  let scalarShapes: Set<[Int]> = [[], [1]]
  return scalarShapes.contains(a) && scalarShapes.contains(b)
}
