import Imaging

/// A batch of preprocessed images with their labels, as plain arrays (the Experiments
/// layer wraps them into tensors).
public struct Batch: Sendable {
  /// Normalised pixels `[count, 3, height, width]` (NCHW), Float32.
  public var images: [Float]
  public var count: Int
  public var height: Int
  public var width: Int
  /// The class `y` of each image.
  public var labels: [Int]
  /// The reference's label vectors `[count, 2]`, each `[y, 1 - y]`.
  public var targets: [Float]
  /// `2 * y + place` of each image.
  public var groups: [Int]
  /// The spurious attribute of each image.
  public var places: [Int]
  /// Each image's position within its split (the reference's dataset index).
  public var indices: [Int]
}

/// The preprocessing a loader applies.
public enum ImageTransform: Hashable, Sendable {
  /// Resize, centre crop, normalise: deterministic, so cacheable.
  case evaluation(EvaluationTransform)
  /// RandomResizedCrop and flip, drawn per (seed, epoch, sample).
  case training(TrainingTransform)

  /// The side of the square output.
  public var outputSize: Int {
    switch self {
    case .evaluation(let t): return t.cropSize
    case .training(let t): return t.size
    }
  }

  /// A short name for cache keys and logs.
  public var identifier: String {
    switch self {
    case .evaluation(let t): return t.identifier
    case .training(let t): return t.identifier
    }
  }
}

/// What to do with an image that exists but cannot be decoded.
public enum UndecodableImagePolicy: Sendable {
  /// Throw `DatasetError.undecodableImage` naming the image and its metadata line.
  case stop
  /// Leave the image out of its batch and count it (`BatchLoader.skipped`).
  case skip
}
