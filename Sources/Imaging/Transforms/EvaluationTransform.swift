/// The reference's evaluation transform (`get_transform` with `train=False`):
/// `Resize((s, s))` with Pillow's bilinear filter, where `s = int(cropSize * 256 / 224)`,
/// then `CenterCrop(cropSize)`, `ToTensor()` and ImageNet `Normalize`.
///
/// The resize ignores the aspect ratio, as the reference does. Only the centre window of
/// the resized image is computed, which yields the same bytes as resizing everything.
public struct EvaluationTransform: Hashable, Sendable {
  /// The side of the square output (224 in the reference).
  public let cropSize: Int
  /// The side the image is resized to before cropping (256 for a 224 crop).
  public let resizeSize: Int

  /// The reference's sizes for a square `cropSize` output.
  public init(cropSize: Int = 224) {
    // get_transform: scale = 256.0 / 224.0; int(target_resolution[0] * scale).
    self.init(cropSize: cropSize, resizeSize: Int(Double(cropSize) * (256.0 / 224.0)))
  }

  /// Explicit sizes; `resizeSize >= cropSize`.
  public init(cropSize: Int, resizeSize: Int) {
    precondition(
      cropSize > 0 && resizeSize >= cropSize,
      "EvaluationTransform: crop \(cropSize) from a resize to \(resizeSize)")
    self.cropSize = cropSize
    self.resizeSize = resizeSize
  }

  /// A short name for cache keys and logs, e.g. `eval-resize256-crop224-pil-bilinear`.
  public var identifier: String { "eval-resize\(resizeSize)-crop\(cropSize)-pil-bilinear" }

  /// The 8-bit `cropSize x cropSize` crop, before `ToTensor`.
  public func crop(_ image: RGBImage) -> RGBImage {
    let window = CropBox.center(size: cropSize, width: resizeSize, height: resizeSize)
    return BilinearResize.resample(
      image, source: CropBox(width: image.width, height: image.height),
      outputWidth: resizeSize, outputHeight: resizeSize, window: window)
  }

  /// The normalised planes `[3, cropSize, cropSize]`.
  public func callAsFunction(
    _ image: RGBImage, normalization: ImageNormalization = .imageNet
  ) -> [Float] {
    normalization.planes(of: crop(image))
  }
}
