/// An 8-bit RGB image: `pixels` holds `height` rows of `width` interleaved R, G, B
/// samples, top row first (the layout of Pillow's `convert('RGB')` and of PPM).
public struct RGBImage: Equatable, Sendable {
  public var width: Int
  public var height: Int
  public var pixels: [UInt8]

  /// Wraps existing pixels; `pixels.count` must be `width * height * 3`.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width >= 0 && height >= 0, "RGBImage: negative size \(width)x\(height)")
    precondition(
      pixels.count == width * height * 3,
      "RGBImage: \(pixels.count) samples for a \(width)x\(height) image, expected "
        + "\(width * height * 3)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// A black image of the given size.
  public init(width: Int, height: Int) {
    self.init(
      width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
  }
}
