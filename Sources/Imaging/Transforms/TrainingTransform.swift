import Foundation

/// The reference's training augmentation: `RandomResizedCrop(size, scale, ratio)` with
/// bilinear interpolation, `RandomHorizontalFlip(p)`, `ToTensor()`, ImageNet `Normalize`.
///
/// The crop box follows torchvision's `RandomResizedCrop.get_params` step for step (ten
/// attempts, then the centre-crop fallback); the random numbers come from our own
/// `AugmentationGenerator`, so the boxes are distributed as torchvision's but are not the
/// same boxes.
public struct TrainingTransform: Hashable, Sendable {
  /// The side of the square output.
  public let size: Int
  /// The range of the crop's area as a fraction of the image's.
  public let scale: ClosedRange<Double>
  /// The range of the crop's aspect ratio (width / height).
  public let ratio: ClosedRange<Double>
  /// The probability of mirroring left to right.
  public let flipProbability: Double

  /// The reference's values: scale 0.7...1.0, ratio 3/4...4/3, flip 0.5.
  public init(
    size: Int = 224, scale: ClosedRange<Double> = 0.7...1.0,
    ratio: ClosedRange<Double> = (3.0 / 4.0)...(4.0 / 3.0), flipProbability: Double = 0.5
  ) {
    precondition(size > 0, "TrainingTransform: size \(size)")
    self.size = size
    self.scale = scale
    self.ratio = ratio
    self.flipProbability = flipProbability
  }

  /// A short name for logs.
  public var identifier: String {
    "train-rrc\(size)-scale\(scale.lowerBound)-\(scale.upperBound)-flip\(flipProbability)"
  }

  /// What one application of the transform decided.
  public struct Draw: Equatable, Sendable {
    public var box: CropBox
    public var flipped: Bool
  }

  /// torchvision's `RandomResizedCrop.get_params` for an image of `width x height`.
  public func cropBox(
    width: Int, height: Int, using generator: inout AugmentationGenerator
  ) -> CropBox {
    let area = Double(width * height)
    let logRatio = (log(ratio.lowerBound), log(ratio.upperBound))
    for _ in 0..<10 {
      let targetArea = area * generator.uniform(scale.lowerBound, scale.upperBound)
      let aspect = exp(generator.uniform(logRatio.0, logRatio.1))
      // Python's round() is half to even.
      let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
      let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
      if 0 < w && w <= width && 0 < h && h <= height {
        let top = generator.integer(below: height - h + 1)
        let left = generator.integer(below: width - w + 1)
        return CropBox(top: top, left: left, height: h, width: w)
      }
    }
    return Self.fallbackBox(width: width, height: height, ratio: ratio)
  }

  /// The centre crop torchvision falls back to after ten rejected attempts: the whole
  /// image, narrowed to the nearest allowed aspect ratio.
  public static func fallbackBox(width: Int, height: Int, ratio: ClosedRange<Double>)
    -> CropBox
  {
    let inRatio = Double(width) / Double(height)
    var w = width
    var h = height
    if inRatio < ratio.lowerBound {
      h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
    } else if inRatio > ratio.upperBound {
      w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
    }
    return CropBox(top: (height - h) / 2, left: (width - w) / 2, height: h, width: w)
  }

  /// Draws the crop box then the flip, in torchvision's order.
  public func draw(width: Int, height: Int, using generator: inout AugmentationGenerator)
    -> Draw
  {
    let box = cropBox(width: width, height: height, using: &generator)
    // RandomHorizontalFlip: flip when torch.rand(1) < p.
    let flipped = generator.unit() < flipProbability
    return Draw(box: box, flipped: flipped)
  }

  /// torchvision's `resized_crop(img, i, j, h, w, (size, size), BILINEAR)`: crop, then
  /// Pillow's resize of the crop.
  public func resizedCrop(_ image: RGBImage, box: CropBox) -> RGBImage {
    BilinearResize.resample(
      image, source: box, outputWidth: size, outputHeight: size,
      window: CropBox(width: size, height: size))
  }

  /// Normalised planes `[3, size, size]` for one draw.
  public func callAsFunction(
    _ image: RGBImage, draw: Draw, normalization: ImageNormalization = .imageNet
  ) -> [Float] {
    normalization.planes(of: resizedCrop(image, box: draw.box), flipped: draw.flipped)
  }
}
