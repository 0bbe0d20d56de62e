import Arguments

/// `spurious bench jpeg FILES...`.
enum BenchJPEGCommand: Command {
  static let name = "jpeg"
  static let summary = "Time JPEG decoding of the given files."
  static let arguments: [ArgumentSpec] =
    [.positional("files", .path, arity: .oneOrMore, help: "JPEG files to decode.")]
    + BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
