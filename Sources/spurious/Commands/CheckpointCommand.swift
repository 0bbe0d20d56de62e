import Arguments

/// `spurious checkpoint inspect|convert`.
enum CheckpointCommand: Command {
  static let name = "checkpoint"
  static let summary = "Inspect or convert checkpoint files (.pth, .pth.tar, .safetensors)."
  static let subcommands: [any Command.Type] = [
    CheckpointInspectCommand.self,
    CheckpointConvertCommand.self,
  ]
}
