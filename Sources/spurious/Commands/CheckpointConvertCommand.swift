import Arguments
import Checkpoints
import Foundation

/// `spurious checkpoint convert IN OUT`: between PyTorch and safetensors.
enum CheckpointConvertCommand: Command {
  static let name = "convert"
  static let summary = "Convert a checkpoint; the output's extension picks the format."
  static let arguments: [ArgumentSpec] = [
    .positional("in", .path, help: "The checkpoint to read."),
    .positional(
      "out", .path,
      help: "The file to write: .safetensors, or .pth/.pth.tar (loadable by torch.load)."),
  ]

  static func run(_ arguments: ParsedArguments) throws {
    let input = arguments.string("in")
    let output = arguments.string("out")
    try CheckpointConverter.convert(
      from: URL(fileURLWithPath: input), to: URL(fileURLWithPath: output))
    Console.output("converted \(input) to \(output)\n")
  }
}
