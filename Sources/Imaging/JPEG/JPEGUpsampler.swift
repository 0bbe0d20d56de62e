/// Brings a subsampled component plane to full resolution one output row at a time, with
/// the filters libjpeg-turbo uses by default (jdsample.c, `do_fancy_upsampling`):
/// - 2:1 horizontally (h2v1) and 2:1 both ways (h2v2): the "fancy" triangle filter, i.e.
///   linear interpolation with weights 3/4 and 1/4 between sample centres, with
///   libjpeg's alternating rounding biases; replication instead when the plane is at
///   most 2 samples wide (libjpeg falls back there too);
/// - 2:1 vertically only (h1v2): the same filter vertically;
/// - any other integer ratio (4:1:1, 4x4, ...): plain replication (`int_upsample`).
/// Above the first row and below the last, the edge row is repeated, as libjpeg's
/// context rows do.
struct JPEGUpsampler {
  enum Method: Equatable {
    case fullSize
    case h2v1Fancy
    case h1v2Fancy
    case h2v2Fancy
    case replicate(horizontal: Int, vertical: Int)
  }

  let method: Method
  /// The plane: `height` rows of `width` valid samples, `stride` bytes apart.
  let plane: UnsafePointer<UInt8>
  let stride: Int
  let width: Int
  let height: Int

  /// Picks libjpeg's method for a component sampled `h`x`v` in a frame whose largest
  /// factors are `hmax`x`vmax` (ratios already known to be integers).
  static func method(h: Int, v: Int, hmax: Int, vmax: Int, planeWidth: Int) -> Method {
    let hr = hmax / h
    let vr = vmax / v
    switch (hr, vr) {
    case (1, 1): return .fullSize
    case (2, 1) where planeWidth > 2: return .h2v1Fancy
    case (1, 2): return .h1v2Fancy
    case (2, 2) where planeWidth > 2: return .h2v2Fancy
    default: return .replicate(horizontal: hr, vertical: vr)
    }
  }

  /// Output row `y` (0 ..< image height): either a pointer into the plane (full size) or
  /// `scratch`, filled with at least `outputWidth` samples.
  @inline(__always)
  func row(_ y: Int, outputWidth: Int, scratch: UnsafeMutablePointer<UInt8>)
    -> UnsafePointer<UInt8>
  {
    switch method {
    case .fullSize:
      return plane + y * stride
    case .h2v1Fancy:
      Self.triangleHorizontal(plane + y * stride, width: width, into: scratch)
    case .h1v2Fancy:
      let (near, far, bias) = verticalNeighbours(y)
      for x in 0..<width {
        scratch[x] = UInt8(truncatingIfNeeded: (3 * Int32(near[x]) + Int32(far[x]) + bias) >> 2)
      }
    case .h2v2Fancy:
      let (near, far, _) = verticalNeighbours(y)
      Self.triangleBoth(near, far, width: width, into: scratch)
    case .replicate(let hr, let vr):
      let source = plane + (y / vr) * stride
      for x in 0..<outputWidth { scratch[x] = source[x / hr] }
    }
    return UnsafePointer(scratch)
  }

  /// For a 2:1 vertical ratio: the input row nearest to output row `y`, the next
  /// nearest (above for even `y`, below for odd), and libjpeg's rounding bias for h1v2.
  @inline(__always)
  private func verticalNeighbours(_ y: Int) -> (UnsafePointer<UInt8>, UnsafePointer<UInt8>, Int32) {
    let row = y >> 1
    let isUpper = y & 1 == 0
    let other = isUpper ? max(row - 1, 0) : min(row + 1, height - 1)
    return (plane + row * stride, plane + other * stride, isUpper ? 1 : 2)
  }

  /// h2v1 fancy: out[2i] = (3 in[i] + in[i-1] + 1) / 4, out[2i+1] = (3 in[i] + in[i+1] + 2) / 4,
  /// with the end samples copied; needs `width` > 2.
  @inline(__always)
  static func triangleHorizontal(
    _ input: UnsafePointer<UInt8>, width: Int, into output: UnsafeMutablePointer<UInt8>
  ) {
    output[0] = input[0]
    output[1] = UInt8(truncatingIfNeeded: (Int32(input[0]) * 3 + Int32(input[1]) + 2) >> 2)
    for i in 1..<(width - 1) {
      let centre = Int32(input[i]) * 3
      output[2 * i] = UInt8(truncatingIfNeeded: (centre + Int32(input[i - 1]) + 1) >> 2)
      output[2 * i + 1] = UInt8(truncatingIfNeeded: (centre + Int32(input[i + 1]) + 2) >> 2)
    }
    let last = width - 1
    output[2 * last] = UInt8(
      truncatingIfNeeded: (Int32(input[last]) * 3 + Int32(input[last - 1]) + 1) >> 2)
    output[2 * last + 1] = input[last]
  }

  /// h2v2 fancy: first the vertical 3:1 column sums of the nearest and next-nearest rows,
  /// then the horizontal 3:1 blend of those sums, /16 with biases 8 and 7 alternating.
  @inline(__always)
  static func triangleBoth(
    _ near: UnsafePointer<UInt8>, _ far: UnsafePointer<UInt8>, width: Int,
    into output: UnsafeMutablePointer<UInt8>
  ) {
    @inline(__always) func columnSum(_ i: Int) -> Int32 { Int32(near[i]) * 3 + Int32(far[i]) }
    var this = columnSum(0)
    var next = columnSum(1)
    output[0] = UInt8(truncatingIfNeeded: (this * 4 + 8) >> 4)
    output[1] = UInt8(truncatingIfNeeded: (this * 3 + next + 7) >> 4)
    var last = this
    this = next
    for i in 1..<(width - 1) {
      next = columnSum(i + 1)
      output[2 * i] = UInt8(truncatingIfNeeded: (this * 3 + last + 8) >> 4)
      output[2 * i + 1] = UInt8(truncatingIfNeeded: (this * 3 + next + 7) >> 4)
      last = this
      this = next
    }
    let end = width - 1
    output[2 * end] = UInt8(truncatingIfNeeded: (this * 3 + last + 8) >> 4)
    output[2 * end + 1] = UInt8(truncatingIfNeeded: (this * 4 + 7) >> 4)
  }
}
