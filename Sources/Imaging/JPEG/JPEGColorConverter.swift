/// The colour transforms of a decode: JFIF YCbCr to RGB in libjpeg's 16-bit fixed point
/// (jdcolor.c `ycc_rgb_convert`, whose SIMD versions give the same bytes), Adobe RGB
/// (copied), and gray (replicated into R, G and B, as Pillow's `convert('RGB')` does).
enum JPEGColorConverter {
  /// The colour space of the decoded components.
  enum Space: Equatable {
    case gray
    case yCbCr
    case rgb
  }

  // round(c * 2^16) for the JFIF coefficients (ITU-R BT.601, full range).
  static let crToRed: Int32 = 91881  // 1.40200
  static let cbToBlue: Int32 = 116130  // 1.77200
  static let crToGreen: Int32 = 46802  // 0.71414
  static let cbToGreen: Int32 = 22554  // 0.34414
  static let half: Int32 = 1 << 15

  /// Converts one row of `width` pixels from three full-resolution component rows.
  @inline(__always)
  static func convertYCbCr(
    _ y: UnsafePointer<UInt8>, _ cb: UnsafePointer<UInt8>, _ cr: UnsafePointer<UInt8>,
    width: Int, into output: UnsafeMutablePointer<UInt8>
  ) {
    for x in 0..<width {
      let luma = Int32(y[x])
      let blue = Int32(cb[x]) - 128
      let red = Int32(cr[x]) - 128
      // libjpeg rounds the red and blue offsets separately, and the green offset once
      // after summing both products (arithmetic shifts round towards minus infinity).
      let r = luma + ((crToRed * red + half) >> 16)
      let g = luma + ((-cbToGreen * blue - crToGreen * red + half) >> 16)
      let b = luma + ((cbToBlue * blue + half) >> 16)
      output[3 * x] = UInt8(truncatingIfNeeded: min(max(r, 0), 255))
      output[3 * x + 1] = UInt8(truncatingIfNeeded: min(max(g, 0), 255))
      output[3 * x + 2] = UInt8(truncatingIfNeeded: min(max(b, 0), 255))
    }
  }

  /// Interleaves three RGB component rows.
  @inline(__always)
  static func interleave(
    _ r: UnsafePointer<UInt8>, _ g: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>,
    width: Int, into output: UnsafeMutablePointer<UInt8>
  ) {
    for x in 0..<width {
      output[3 * x] = r[x]
      output[3 * x + 1] = g[x]
      output[3 * x + 2] = b[x]
    }
  }

  /// Replicates a gray row into R, G and B.
  @inline(__always)
  static func expandGray(
    _ gray: UnsafePointer<UInt8>, width: Int, into output: UnsafeMutablePointer<UInt8>
  ) {
    for x in 0..<width {
      let value = gray[x]
      output[3 * x] = value
      output[3 * x + 1] = value
      output[3 * x + 2] = value
    }
  }
}
