/// torchvision's `ToTensor()` followed by `Normalize(mean, std)`, on 8-bit RGB.
///
/// `ToTensor` divides by 255 in Float32 and `Normalize` subtracts the Float32 mean and
/// divides by the Float32 standard deviation, each rounded once; a 256-entry table per
/// channel holds exactly those results, so the output equals torchvision's bit for bit.
public struct ImageNormalization: Sendable {
  /// The per-channel means (R, G, B) subtracted after scaling to 0...1.
  public let mean: [Float]
  /// The per-channel standard deviations divided by.
  public let std: [Float]
  /// `table[c * 256 + v]` is the normalised value of byte `v` in channel `c`.
  let table: [Float]

  public init(mean: [Float], std: [Float]) {
    precondition(mean.count == 3 && std.count == 3, "ImageNormalization: 3 channels expected")
    self.mean = mean
    self.std = std
    var table = [Float](repeating: 0, count: 3 * 256)
    for c in 0..<3 {
      for v in 0..<256 {
        let unit = Float(v) / 255
        table[c * 256 + v] = (unit - mean[c]) / std[c]
      }
    }
    self.table = table
  }

  /// ImageNet statistics, as in the reference's `get_transform`.
  public static let imageNet = ImageNormalization(
    mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

  /// The normalised value of byte `value` in `channel`.
  public func value(_ value: UInt8, channel: Int) -> Float {
    table[channel * 256 + Int(value)]
  }

  /// Writes `image` as normalised planes `[3, height, width]` (CHW) starting at `output`,
  /// mirrored left to right when `flipped` (torchvision's `RandomHorizontalFlip`, which
  /// commutes with the per-pixel normalisation).
  public func writePlanes(
    of image: RGBImage, flipped: Bool = false, into output: UnsafeMutablePointer<Float>
  ) {
    let width = image.width
    let plane = image.width * image.height
    table.withUnsafeBufferPointer { lut in
      image.pixels.withUnsafeBufferPointer { px in
        let l = lut.baseAddress!
        for y in 0..<image.height {
          let row = px.baseAddress! + y * width * 3
          let r = output + y * width
          let g = r + plane
          let b = g + plane
          for x in 0..<width {
            let sx = flipped ? width - 1 - x : x
            let p = row + sx * 3
            r[x] = l[Int(p[0])]
            g[x] = l[256 + Int(p[1])]
            b[x] = l[512 + Int(p[2])]
          }
        }
      }
    }
  }

  /// The normalised planes `[3, height, width]` of `image` as a new array.
  public func planes(of image: RGBImage, flipped: Bool = false) -> [Float] {
    var out = [Float](repeating: 0, count: 3 * image.width * image.height)
    out.withUnsafeMutableBufferPointer {
      writePlanes(of: image, flipped: flipped, into: $0.baseAddress!)
    }
    return out
  }
}
