import Arguments

/// `spurious bench gemm`.
enum BenchGEMMCommand: Command {
  static let name = "gemm"
  static let summary = "Time matrix multiplication on the shapes of ResNet50 and DeiT."
  static let arguments: [ArgumentSpec] = BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
