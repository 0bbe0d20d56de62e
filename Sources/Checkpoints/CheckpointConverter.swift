import Foundation

/// What `spurious checkpoint convert IN OUT` does: reads any supported checkpoint and
/// writes it in the format OUT's extension names.
///
/// - `.safetensors`: model tensors plus the optimizer state, epoch, loss and nesting
///   (see `Checkpoint+Safetensors.swift`), so converting back restores the layout.
/// - `.pth`, `.pth.tar`, `.pt`: PyTorch's zip format. From a `.pth` the whole pickled
///   object is written back (every key, the `module.` prefix included); from
///   safetensors the layout recorded in the metadata is rebuilt.
///
/// Limitation: converting a `.pth` to safetensors keeps only what a training run needs
/// (tensors, epoch, loss, optimizer, nesting); other top-level values such as an
/// `'arch'` string are dropped, and the report from `inspect` lists them.
public enum CheckpointConverter {
  /// The output formats, by file extension.
  public enum Target: Sendable {
    case safetensors, pth

    /// The target for `url`'s extension, or nil when it is not one we write.
    public init?(_ url: URL) {
      let name = url.lastPathComponent.lowercased()
      if name.hasSuffix(".safetensors") {
        self = .safetensors
      } else if name.hasSuffix(".pth") || name.hasSuffix(".pth.tar") || name.hasSuffix(".pt")
        || name.hasSuffix(".tar")
      {
        self = .pth
      } else {
        return nil
      }
    }
  }

  /// Converts `input` to the format of `output`'s extension; writes atomically.
  public static func convert(from input: URL, to output: URL) throws {
    guard let target = Target(output) else {
      throw CheckpointError.unsupported(
        file: output.lastPathComponent, offset: 0,
        feature: "output extension (use .safetensors, .pth, .pth.tar or .pt)")
    }
    let checkpoint = try Checkpoint.load(contentsOf: input)
    try write(checkpoint, as: target, to: output)
  }

  /// Writes `checkpoint` as `target`.
  public static func write(_ checkpoint: Checkpoint, as target: Target, to output: URL) throws {
    switch target {
    case .safetensors:
      try SafetensorsWriter.write(checkpoint, to: output)
    case .pth:
      if let root = checkpoint.root {
        try PthWriter.write(root: root, to: output)
      } else {
        try PthWriter.write(checkpoint, to: output)
      }
    }
  }
}
