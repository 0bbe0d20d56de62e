import Arguments
import Checkpoints
import Foundation

/// `spurious checkpoint inspect FILE`: the tensors in a checkpoint.
enum CheckpointInspectCommand: Command {
  static let name = "inspect"
  static let summary = "List the tensors of a checkpoint with their shapes and types."
  static let arguments: [ArgumentSpec] = [
    .positional("file", .path, help: "The checkpoint to read."),
    SharedOptions.json,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    let url = URL(fileURLWithPath: arguments.string("file"))
    let text =
      arguments.flag("json")
      ? try CheckpointInspector.jsonReport(for: url) : try CheckpointInspector.report(for: url)
    Console.output(text.hasSuffix("\n") ? text : text + "\n")
  }
}
