import Tensor

/// One image's scores, as `spurious predict` prints them.
public struct Prediction: Equatable, Sendable {
  /// The head's linear output, before any softmax.
  public var logits: [Float]
  /// `softmax(logits)`: for the reference's softmax head this is the model's output.
  public var probabilities: [Float]
}

/// Class scores for batches of preprocessed images through the fast inference path.
public final class Predictor {
  private let inference: InferenceModel

  /// A predictor for `model` as it is now (see `InferenceModel` for the snapshot rule).
  public init(model: any ImageClassifier) {
    inference = InferenceModel(model)
  }

  /// Scores for `images` `[N, 3, H, W]` (already transformed: resized, cropped,
  /// normalised), one per image in order.
  public func predict(_ images: Tensor) -> [Prediction] {
    let logits = inference.forward(images).logits
    let probabilities = Tensor.withoutGradient { logits.softmax(axis: -1) }
    let classes = logits.shape[1]
    let (l, p) = (logits.toArray(), probabilities.toArray())
    return (0..<logits.shape[0]).map { row in
      let range = row * classes..<(row + 1) * classes
      return Prediction(logits: Array(l[range]), probabilities: Array(p[range]))
    }
  }
}
