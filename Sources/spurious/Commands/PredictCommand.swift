import Arguments

/// `spurious predict IMAGE...`: class probabilities for single images.
enum PredictCommand: Command {
  static let name = "predict"
  static let summary = "Classify images with a trained model."
  static let arguments: [ArgumentSpec] = [
    .positional("image", .path, arity: .oneOrMore, help: "JPEG files to classify."),
    SharedOptions.architecture(),
    SharedOptions.checkpoint,
    SharedOptions.head,
    SharedOptions.layerNormEpsilon,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
