/// One colour component of a frame (ITU T.81 B.2.2), with the geometry derived from
/// its sampling factors as libjpeg derives it (jdinput.c `initial_setup`).
struct JPEGComponent {
  /// The component identifier Ci from the frame header.
  var id: UInt8
  /// Horizontal and vertical sampling factors (1...4).
  var horizontalSampling: Int
  var verticalSampling: Int
  /// The quantisation table selector Tq (0...3).
  var quantizationTableIndex: Int
  /// The component's sample size: ceil(width * h / hmax) x ceil(height * v / vmax).
  var width = 0
  var height = 0
  /// Blocks that hold the component's samples (a non-interleaved scan codes these).
  var widthInBlocks = 0
  var heightInBlocks = 0
  /// Blocks in the MCU-padded grid (an interleaved scan codes these); the coefficient
  /// storage has this size.
  var blocksPerLine = 0
  var blocksPerColumn = 0
  /// Offset of the component's first coefficient in the frame's coefficient storage.
  var coefficientOffset = 0
  /// The quantisation table latched at the component's first scan (libjpeg latches it
  /// then too), in natural (row-major) order; empty until then.
  var quantization: [Int32] = []
}

/// A frame header (SOF0/SOF1/SOF2) and its derived MCU geometry.
struct JPEGFrame {
  var progressive: Bool
  var width: Int
  var height: Int
  var components: [JPEGComponent]
  var maxHorizontalSampling = 1
  var maxVerticalSampling = 1
  /// MCUs of an interleaved scan: ceil(width / (8 hmax)) x ceil(height / (8 vmax)).
  var mcusPerLine = 0
  var mcusPerColumn = 0
  /// Total coefficients over all components (64 per block of the padded grids).
  var coefficientCount = 0

  /// Derives the per-component sizes and the coefficient layout from the sampling
  /// factors, which must already be validated.
  mutating func computeGeometry() {
    maxHorizontalSampling = components.map(\.horizontalSampling).max() ?? 1
    maxVerticalSampling = components.map(\.verticalSampling).max() ?? 1
    mcusPerLine = ceilDiv(width, 8 * maxHorizontalSampling)
    mcusPerColumn = ceilDiv(height, 8 * maxVerticalSampling)
    var offset = 0
    for i in components.indices {
      var c = components[i]
      c.width = ceilDiv(width * c.horizontalSampling, maxHorizontalSampling)
      c.height = ceilDiv(height * c.verticalSampling, maxVerticalSampling)
      c.widthInBlocks = ceilDiv(c.width, 8)
      c.heightInBlocks = ceilDiv(c.height, 8)
      c.blocksPerLine = mcusPerLine * c.horizontalSampling
      c.blocksPerColumn = mcusPerColumn * c.verticalSampling
      c.coefficientOffset = offset
      offset += c.blocksPerLine * c.blocksPerColumn * 64
      components[i] = c
    }
    coefficientCount = offset
  }
}

@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
