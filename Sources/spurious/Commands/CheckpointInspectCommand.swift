import Arguments

/// `spurious checkpoint inspect FILE`: the tensors in a checkpoint.
enum CheckpointInspectCommand: Command {
  static let name = "inspect"
  static let summary = "List the tensors of a checkpoint with their shapes and types."
  static let arguments: [ArgumentSpec] = [
    .positional("file", .path, help: "The checkpoint to read."),
    SharedOptions.json,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
