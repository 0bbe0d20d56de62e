/// A rectangle of pixels in an image, as torchvision's crop parameters `(i, j, h, w)`:
/// rows `top ..< top + height`, columns `left ..< left + width`.
public struct CropBox: Equatable, Hashable, Sendable, CustomStringConvertible {
  public var top: Int
  public var left: Int
  public var height: Int
  public var width: Int

  public init(top: Int, left: Int, height: Int, width: Int) {
    self.top = top
    self.left = left
    self.height = height
    self.width = width
  }

  /// The whole of an image of the given size.
  public init(width: Int, height: Int) {
    self.init(top: 0, left: 0, height: height, width: width)
  }

  /// torchvision's `center_crop` box for an output of `size x size` from an image of
  /// `width x height`: offsets `int(round((H - size) / 2.0))`, with Python's round half
  /// to even. Only for crops that fit inside the image.
  public static func center(size: Int, width: Int, height: Int) -> CropBox {
    precondition(size <= width && size <= height, "center crop \(size) of \(width)x\(height)")
    let top = (Double(height - size) / 2).rounded(.toNearestOrEven)
    let left = (Double(width - size) / 2).rounded(.toNearestOrEven)
    return CropBox(top: Int(top), left: Int(left), height: size, width: size)
  }

  /// Whether the box lies inside an image of `width x height` and is not empty.
  public func fits(width imageWidth: Int, height imageHeight: Int) -> Bool {
    top >= 0 && left >= 0 && height > 0 && width > 0 && top + height <= imageHeight
      && left + width <= imageWidth
  }

  public var description: String { "(top \(top), left \(left), \(width)x\(height))" }
}
