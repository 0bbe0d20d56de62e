import Foundation

/// Errors from the run files, reference formats, reports and sweeps. Each names the file
/// (or configuration), the place, what was expected and what was found.
public enum ExperimentsError: Error, Equatable, CustomStringConvertible {
  /// A file's content is not in the expected format.
  case malformed(file: String, place: String, expected: String, found: String)
  /// A file or folder that must exist does not.
  case missing(path: String, what: String)
  /// A run folder already holds a run and `--force` was not given.
  case runExists(path: String)
  /// Reading, writing or renaming failed at the operating-system level.
  case io(path: String, operation: String, reason: String)
  /// A `${NAME}` placeholder names an environment variable that is not set.
  case unsetVariable(name: String, configuration: String, option: String)
  /// A value given by the user (shard, option, grid) is not acceptable.
  case invalidArgument(what: String, expected: String, found: String)
  /// The user asked the run to stop (Ctrl-C); files written so far are complete and
  /// `--resume` continues from the last finished epoch.
  case interrupted
  /// A checkpoint does not fit the model it is loaded into.
  case incompatibleCheckpoint(path: String, reason: String)

  public var description: String {
    switch self {
    case .malformed(let file, let place, let expected, let found):
      return "\(file): \(place): expected \(expected), found \(found)"
    case .missing(let path, let what):
      return "\(path): \(what) does not exist"
    case .runExists(let path):
      return "\(path): a run already exists in this folder; pass --force to replace it"
        + " or --resume to continue it"
    case .io(let path, let operation, let reason):
      return "\(path): cannot \(operation): \(reason)"
    case .unsetVariable(let name, let configuration, let option):
      return "configuration \(configuration), option --\(option): environment variable"
        + " \(name) is not set"
    case .invalidArgument(let what, let expected, let found):
      return "\(what): expected \(expected), found \(found)"
    case .interrupted:
      return "stopped on request; completed epochs are saved and --resume continues the run"
    case .incompatibleCheckpoint(let path, let reason):
      return "\(path): \(reason)"
    }
  }
}
