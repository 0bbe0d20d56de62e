import Arguments
import Experiments
import Foundation
import Imaging
import Models
import Tensor

/// `spurious predict IMAGE...`: class scores for single images.
enum PredictCommand: Command {
  static let name = "predict"
  static let summary = "Classify images with a trained model."
  static let discussion = """
    The model, its head and its number of classes come from the checkpoint's keys (a \
    1000-class ImageNet checkpoint predicts its 1000 classes). Each image goes through \
    the evaluation transform (resize, centre crop, ImageNet normalisation); one JSON \
    object per image is printed per line: {"image": ..., "logits": [...], \
    "probabilities": [...]}, where logits are the linear layer's output before any softmax.
    """
  static let arguments: [ArgumentSpec] = [
    .positional("image", .path, arity: .oneOrMore, help: "JPEG or binary PPM files."),
    CommandModels.architectureFromCheckpoint,
    SharedOptions.checkpoint,
    .option(
      "head", .choice(["softmax", "linear"], noun: "head"),
      defaultDescription: "read from the checkpoint's keys",
      help: "The head the checkpoint must have (a mismatch is an error)."),
    CommandModels.layerNormEpsilonFromCheckpoint,
    .option(
      "resolution", .positiveInteger, defaultDescription: "the checkpoint's, else 224",
      help: "Side of the centre crop, in pixels."),
  ]

  /// Images per forward pass: bounds memory whatever the number of files.
  static let batchSize = 16

  static func run(_ arguments: ParsedArguments) throws {
    let url = URL(fileURLWithPath: arguments.string("checkpoint"))
    let (model, recipe) = try CommandModels.trainedModel(arguments, checkpoint: url)
    if let head = arguments.optionalString("head"), head != recipe.head.rawValue {
      throw UsageError(
        "--head \(head) does not match the checkpoint, whose keys hold a "
          + "\(recipe.head.rawValue) head")
    }
    let transform = EvaluationTransform(cropSize: recipe.resolution)
    let predictor = Predictor(model: model)
    let paths = arguments.strings("image")
    let side = recipe.resolution
    for start in stride(from: 0, to: paths.count, by: batchSize) {
      let batch = Array(paths[start..<min(start + batchSize, paths.count)])
      var planes: [Float] = []
      planes.reserveCapacity(batch.count * 3 * side * side)
      for path in batch { planes += transform(try ImageFiles.read(path)) }
      let predictions = predictor.predict(Tensor(planes, shape: [batch.count, 3, side, side]))
      for (path, prediction) in zip(batch, predictions) {
        Console.output(jsonLine(image: path, prediction) + "\n")
      }
    }
  }

  /// `{"image": ..., "logits": [...], "probabilities": [...]}` on one line.
  static func jsonLine(image: String, _ prediction: Prediction) -> String {
    "{\"image\": \(JSONValue.quoted(image)), \"logits\": \(jsonArray(prediction.logits)), "
      + "\"probabilities\": \(jsonArray(prediction.probabilities))}"
  }

  static func jsonArray(_ values: [Float]) -> String {
    // Shortest round-trip text; JSON has no NaN or infinity, so those become null.
    "[" + values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ", ") + "]"
  }
}
