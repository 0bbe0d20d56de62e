import Foundation

/// What `spurious checkpoint inspect` prints: the format, the nesting, every tensor
/// with dtype and shape, the parameter count, the optimizer state and the metadata.
/// The library returns text; the executable prints it.
public enum CheckpointInspector {
  /// A human-readable report of the checkpoint at `url`.
  public static func report(for url: URL) throws -> String {
    report(try Checkpoint.load(contentsOf: url), file: url.lastPathComponent)
  }

  /// The same information as one JSON object (keys in a fixed order), for machines.
  public static func jsonReport(for url: URL) throws -> String {
    jsonReport(try Checkpoint.load(contentsOf: url), file: url.lastPathComponent)
  }

  public static func report(_ checkpoint: Checkpoint, file: String) -> String {
    var lines: [String] = []
    lines.append("file: \(file)")
    lines.append("format: \(checkpoint.format.rawValue)")
    var nesting = "nesting: \(checkpoint.nesting.rawValue)"
    if let key = checkpoint.nesting.key { nesting += " (state dict under '\(key)')" }
    if checkpoint.strippedModulePrefix { nesting += ", 'module.' prefix removed" }
    lines.append(nesting)
    if let entries = checkpoint.root?.entries, checkpoint.nesting != .bare {
      let keys = entries.map { entry -> String in
        let name = entry.key.stringValue ?? entry.key.kindDescription
        return "\(name): \(entry.value.kindDescription)"
      }
      lines.append("top level: " + keys.joined(separator: "; "))
    }
    if let epoch = checkpoint.epoch { lines.append("epoch: \(epoch)") }
    if let loss = checkpoint.loss { lines.append("loss: \(loss)") }
    lines.append(
      "tensors: \(checkpoint.tensors.count), parameters: \(checkpoint.parameterCount)")
    let width = checkpoint.tensors.map(\.name.count).max() ?? 0
    for named in checkpoint.tensors {
      lines.append(
        "  " + named.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
          + describe(named.tensor))
    }
    if let optimizer = checkpoint.optimizer {
      let steps = Set(optimizer.parameters.compactMap(\.step)).sorted()
      lines.append(
        "optimizer: \(optimizer.parameters.count) parameter states"
          + (steps.isEmpty ? "" : ", step \(steps.map { formatted($0) }.joined(separator: "/"))")
          + ", \(optimizer.groups.count) parameter groups")
      for (index, group) in optimizer.groups.enumerated() {
        let options = group.options.map {
          "\($0.key.stringValue ?? "?")=\(JSONText.render($0.value))"
        }
        lines.append(
          "  group \(index): " + options.joined(separator: " ")
            + " params=\(group.parameterIndices.count)")
      }
      for state in optimizer.parameters {
        for named in state.tensors {
          lines.append("  state.\(state.index).\(named.name)  \(describe(named.tensor))")
        }
      }
    }
    if !checkpoint.metadata.isEmpty {
      lines.append("metadata:")
      for (key, value) in checkpoint.metadata.sorted(by: { $0.key < $1.key }) {
        lines.append("  \(key): \(value)")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  public static func jsonReport(_ checkpoint: Checkpoint, file: String) -> String {
    var fields: [(String, PickleValue)] = [
      ("file", .string(file)),
      ("format", .string(checkpoint.format.rawValue)),
      ("nesting", .string(checkpoint.nesting.rawValue)),
      ("strippedModulePrefix", .bool(checkpoint.strippedModulePrefix)),
      ("epoch", checkpoint.epoch.map { .int($0) } ?? .none),
      ("loss", checkpoint.loss.map { .float($0) } ?? .none),
      ("parameterCount", .int(checkpoint.parameterCount)),
      ("tensors", .list(checkpoint.tensors.map(tensorEntry))),
    ]
    if let optimizer = checkpoint.optimizer {
      let states = optimizer.parameters.map { state -> PickleValue in
        object([
          ("index", .int(state.index)), ("step", state.step.map { .float($0) } ?? .none),
          ("tensors", .list(state.tensors.map(tensorEntry))),
        ])
      }
      let groups = optimizer.groups.map { group -> PickleValue in
        .dict(
          group.options
            + [PickleEntry(.string("params"), .list(group.parameterIndices.map { .int($0) }))],
          ordered: false)
      }
      fields.append(
        ("optimizer", object([("state", .list(states)), ("param_groups", .list(groups))])))
    } else {
      fields.append(("optimizer", .none))
    }
    let metadata = checkpoint.metadata.sorted { $0.key < $1.key }.map {
      PickleEntry(.string($0.key), .string($0.value))
    }
    fields.append(("metadata", .dict(metadata, ordered: false)))
    return JSONText.render(object(fields)) + "\n"
  }

  private static func tensorEntry(_ named: NamedTensor) -> PickleValue {
    object([
      ("name", .string(named.name)), ("dtype", .string(named.tensor.dtype.rawValue)),
      ("shape", .list(named.tensor.shape.map { .int($0) })),
      ("elements", .int(named.tensor.elementCount)),
    ])
  }

  private static func object(_ fields: [(String, PickleValue)]) -> PickleValue {
    .dict(fields.map { PickleEntry(.string($0.0), $0.1) }, ordered: false)
  }

  private static func describe(_ tensor: StoredTensor) -> String {
    "\(tensor.dtype.rawValue) [\(tensor.shape.map(String.init).joined(separator: ", "))]"
  }

  private static func formatted(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}
