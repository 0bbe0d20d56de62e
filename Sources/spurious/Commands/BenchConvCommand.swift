import Arguments

/// `spurious bench conv`.
enum BenchConvCommand: Command {
  static let name = "conv"
  static let summary = "Time the convolutions of ResNet50, forward and backward."
  static let arguments: [ArgumentSpec] = BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
