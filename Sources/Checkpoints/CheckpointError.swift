/// A checkpoint file that cannot be read or written, with where and why.
///
/// `file` names the file (and, inside a zip, the entry); `offset` is the byte offset in
/// that file or entry where the problem was found. Malformed input always ends in one
/// of these errors: the readers never trap, hang or allocate more than the file holds.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  /// The input ended before a field of `needed` bytes that starts at `offset`.
  case truncated(file: String, offset: Int, needed: Int, available: Int)
  /// The first bytes match none of the formats (pth zip, pth legacy, safetensors).
  case unknownFormat(file: String, found: String)
  /// A pickle names a global outside the allow-list; nothing was executed.
  case forbiddenGlobal(file: String, offset: Int, opcode: String, name: String)
  /// A field holds a value that the format does not allow.
  case malformed(file: String, offset: Int, expected: String, found: String)
  /// A valid file uses a feature this reader does not implement.
  case unsupported(file: String, offset: Int, feature: String)
  /// The operating system refused to read or write the file.
  case io(file: String, reason: String)

  public var description: String {
    switch self {
    case .truncated(let file, let offset, let needed, let available):
      return "\(file): byte \(offset): file is truncated: needed \(needed) bytes, "
        + "found \(available)"
    case .unknownFormat(let file, let found):
      return "\(file): not a PyTorch (.pth zip or legacy) or safetensors file: "
        + "starts with \(found)"
    case .forbiddenGlobal(let file, let offset, let opcode, let name):
      return "\(file): byte \(offset): pickle opcode \(opcode) names '\(name)', "
        + "which is not allowed"
    case .malformed(let file, let offset, let expected, let found):
      return "\(file): byte \(offset): expected \(expected), found \(found)"
    case .unsupported(let file, let offset, let feature):
      return "\(file): byte \(offset): unsupported: \(feature)"
    case .io(let file, let reason):
      return "\(file): \(reason)"
    }
  }

  /// The same error with `name` prepended to `file`, for errors raised by readers that
  /// work on bytes and know at most the entry they read (`file` empty or an entry name).
  func located(in name: String) -> CheckpointError {
    func merge(_ inner: String) -> String {
      inner.isEmpty ? name : "\(name) (\(inner))"
    }
    switch self {
    case .truncated(let file, let offset, let needed, let available):
      return .truncated(file: merge(file), offset: offset, needed: needed, available: available)
    case .unknownFormat(let file, let found):
      return .unknownFormat(file: merge(file), found: found)
    case .forbiddenGlobal(let file, let offset, let opcode, let global):
      return .forbiddenGlobal(file: merge(file), offset: offset, opcode: opcode, name: global)
    case .malformed(let file, let offset, let expected, let found):
      return .malformed(file: merge(file), offset: offset, expected: expected, found: found)
    case .unsupported(let file, let offset, let feature):
      return .unsupported(file: merge(file), offset: offset, feature: feature)
    case .io(let file, let reason):
      return .io(file: merge(file), reason: reason)
    }
  }
}

/// Runs `body`, naming `file` in any `CheckpointError` it throws.
func naming<T>(_ file: String, _ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as CheckpointError {
    throw error.located(in: file)
  }
}
