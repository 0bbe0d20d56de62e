// A baseline JPEG encoder (ITU T.81 sequential DCT, Huffman, 8-bit) writing JFIF files
// that libjpeg and Pillow read: one interleaved scan, the Annex K quantisation tables
// scaled by quality as libjpeg's `jpeg_set_quality` does, the Annex K Huffman tables.
// It is simple rather than optimal: a float forward DCT, box-filter chroma subsampling,
// no optimised Huffman tables, no restart markers, no progressive mode.

import Foundation

/// Chroma subsampling of an encoded JPEG.
public enum ChromaSubsampling: String, Sendable, CaseIterable {
  /// Full-resolution chroma (4:4:4).
  case none444 = "4:4:4"
  /// Chroma halved in both directions (4:2:0), the common camera layout.
  case half420 = "4:2:0"
  /// Chroma halved horizontally (4:2:2).
  case half422 = "4:2:2"
  /// Chroma halved vertically (4:4:0).
  case half440 = "4:4:0"
  /// Chroma quartered horizontally (4:1:1).
  case quarter411 = "4:1:1"

  /// The luma sampling factors (h, v); chroma is sampled 1x1.
  var lumaSampling: (horizontal: Int, vertical: Int) {
    switch self {
    case .none444: return (1, 1)
    case .half420: return (2, 2)
    case .half422: return (2, 1)
    case .half440: return (1, 2)
    case .quarter411: return (4, 1)
    }
  }
}

/// A baseline JPEG encoder with the standard (Annex K) tables.
public enum JPEGEncoder {
  /// Encodes `image` at `quality` (1...100, libjpeg's scaling of the tables; values
  /// outside are clamped as libjpeg clamps them) as a baseline JFIF file with YCbCr
  /// components. The image must be 1...65535 pixels wide and high.
  public static func encode(
    _ image: RGBImage, quality: Int = 90, subsampling: ChromaSubsampling = .half420
  ) -> [UInt8] {
    let luma = subsampling.lumaSampling
    return encode(
      image, quality: quality, samplings: [luma, (1, 1), (1, 1)], separateScans: false)
  }

  /// `encode` with any sampling factors (1...4) for Y, Cb, Cr whose ratios to the
  /// largest are integers, optionally with one non-interleaved scan per component
  /// instead of one interleaved scan: layouts Pillow cannot write, which tests use to
  /// exercise decoders.
  static func encode(
    _ image: RGBImage, quality: Int, samplings: [(horizontal: Int, vertical: Int)],
    separateScans: Bool
  ) -> [UInt8] {
    precondition(
      (1...65535).contains(image.width) && (1...65535).contains(image.height),
      "JPEGEncoder: a JPEG holds 1...65535 pixels per side, got \(image.width)x\(image.height)")
    let hmax = samplings.map(\.horizontal).max()!
    let vmax = samplings.map(\.vertical).max()!
    precondition(
      samplings.count == 3
        && samplings.allSatisfy {
          (1...4).contains($0.horizontal) && (1...4).contains($0.vertical)
            && hmax % $0.horizontal == 0 && vmax % $0.vertical == 0
        }
        && (separateScans || samplings.reduce(0) { $0 + $1.horizontal * $1.vertical } <= 10),
      "JPEGEncoder: unusable sampling factors \(samplings)")
    let tables = [
      scaledTable(JPEGStandardTables.luminanceQuantization, quality: quality),
      scaledTable(JPEGStandardTables.chrominanceQuantization, quality: quality),
    ]
    var writer = JPEGByteWriter()
    writer.writeHeaders(
      width: image.width, height: image.height, samplings: samplings, tables: tables)

    // Full-resolution planes padded to whole MCUs by repeating the last column and row,
    // then each component averaged down by its ratio to the largest factors.
    let mcusPerLine = ceilDiv(image.width, 8 * hmax)
    let mcusPerColumn = ceilDiv(image.height, 8 * vmax)
    let full = JPEGEncoderPlanes(
      image, paddedWidth: mcusPerLine * 8 * hmax, paddedHeight: mcusPerColumn * 8 * vmax)
    let planes = [full.luma, full.blueDifference, full.redDifference].enumerated().map {
      JPEGEncoderPlanes.downsample(
        $0.element, width: full.stride, height: full.height,
        (hmax / samplings[$0.offset].horizontal, vmax / samplings[$0.offset].vertical))
    }
    let strides = samplings.map { full.stride * $0.horizontal / hmax }

    let huffman = [
      (
        JPEGHuffmanEncoder(JPEGStandardTables.luminanceDC),
        JPEGHuffmanEncoder(JPEGStandardTables.luminanceAC)
      ),
      (
        JPEGHuffmanEncoder(JPEGStandardTables.chrominanceDC),
        JPEGHuffmanEncoder(JPEGStandardTables.chrominanceAC)
      ),
    ]
    let transform = JPEGForwardDCT()
    let divisors = tables.map { JPEGForwardDCT.divisors($0) }
    var predictors: [Int] = [0, 0, 0]
    var coefficients = [Int](repeating: 0, count: 64)
    // The three planes in one array, so that one pointer serves the whole loop.
    let offsets = [0, planes[0].count, planes[0].count + planes[1].count]
    let allPlanes = planes[0] + planes[1] + planes[2]

    // Block (column, row) of component `c`: Y uses table set 0, Cb and Cr set 1.
    func encodeBlock(_ c: Int, column: Int, row: Int) {
      let set = c == 0 ? 0 : 1
      allPlanes.withUnsafeBufferPointer { base in
        coefficients.withUnsafeMutableBufferPointer { output in
          transform.quantize(
            base.baseAddress! + offsets[c] + row * 8 * strides[c] + column * 8,
            stride: strides[c], divisors: divisors[set], into: output.baseAddress!)
        }
      }
      writer.encodeBlock(
        coefficients, predictor: &predictors[c], dc: huffman[set].0, ac: huffman[set].1)
    }

    if separateScans {
      // A non-interleaved scan codes only the blocks that hold the component's samples
      // (A.2.2): ceil(ceil(width * h / hmax) / 8) per row, not the MCU-padded count.
      for c in 0..<3 {
        writer.writeScanHeader(components: [c])
        let width = ceilDiv(image.width * samplings[c].horizontal, hmax)
        let height = ceilDiv(image.height * samplings[c].vertical, vmax)
        for row in 0..<ceilDiv(height, 8) {
          for column in 0..<ceilDiv(width, 8) { encodeBlock(c, column: column, row: row) }
        }
        writer.flushBits()
      }
    } else {
      writer.writeScanHeader(components: [0, 1, 2])
      for mcuRow in 0..<mcusPerColumn {
        for mcuColumn in 0..<mcusPerLine {
          for c in 0..<3 {
            let (h, v) = samplings[c]
            for by in 0..<v {
              for bx in 0..<h {
                encodeBlock(c, column: mcuColumn * h + bx, row: mcuRow * v + by)
              }
            }
          }
        }
      }
    }
    writer.finish()
    return writer.bytes
  }

  /// libjpeg's `jpeg_quality_scaling` and `jpeg_add_quant_table` with baseline limits:
  /// scale = 5000 / q below 50, 200 - 2q from 50; entries (base * scale + 50) / 100
  /// clamped to 1...255.
  static func scaledTable(_ base: [Int], quality: Int) -> [Int] {
    let q = min(max(quality, 1), 100)
    let scale = q < 50 ? 5000 / q : 200 - 2 * q
    return base.map { min(max(($0 * scale + 50) / 100, 1), 255) }
  }
}

/// The full-resolution Y, Cb, Cr planes of an image to encode, level-shifted by -128
/// (A.3.1) and padded by repeating the last column and row.
struct JPEGEncoderPlanes {
  var luma: [Float]
  var blueDifference: [Float]
  var redDifference: [Float]
  let stride: Int
  let height: Int

  init(_ image: RGBImage, paddedWidth: Int, paddedHeight: Int) {
    stride = paddedWidth
    height = paddedHeight
    let count = paddedWidth * paddedHeight
    var y = [Float](repeating: 0, count: count)
    var cb = [Float](repeating: 0, count: count)
    var cr = [Float](repeating: 0, count: count)
    // JFIF RGB -> YCbCr (libjpeg's jccolor.c fixed point: 16-bit fractions, rounded).
    for row in 0..<paddedHeight {
      let sourceRow = min(row, image.height - 1)
      for column in 0..<paddedWidth {
        let p = (sourceRow * image.width + min(column, image.width - 1)) * 3
        let r = Int(image.pixels[p])
        let g = Int(image.pixels[p + 1])
        let b = Int(image.pixels[p + 2])
        let i = row * paddedWidth + column
        y[i] = Float((19595 * r + 38470 * g + 7471 * b + 32768) >> 16) - 128
        cb[i] = Float((-11059 * r - 21709 * g + 32768 * b + (128 << 16) + 32767) >> 16) - 128
        cr[i] = Float((32768 * r - 27439 * g - 5329 * b + (128 << 16) + 32767) >> 16) - 128
      }
    }
    luma = y
    blueDifference = cb
    redDifference = cr
  }

  /// Averages `factor` boxes of a `width` x `height` plane (sizes are multiples); a box
  /// filter like libjpeg's downsamplers, up to their alternating rounding bias.
  static func downsample(
    _ plane: [Float], width: Int, height: Int, _ factor: (horizontal: Int, vertical: Int)
  ) -> [Float] {
    let (fh, fv) = factor
    if fh == 1 && fv == 1 { return plane }
    let outWidth = width / fh
    let outHeight = height / fv
    var out = [Float](repeating: 0, count: outWidth * outHeight)
    let area = Float(fh * fv)
    for row in 0..<outHeight {
      for column in 0..<outWidth {
        var sum: Float = 0
        for dy in 0..<fv {
          for dx in 0..<fh { sum += plane[(row * fv + dy) * width + column * fh + dx] }
        }
        out[row * outWidth + column] = (sum / area).rounded()
      }
    }
    return out
  }
}

/// The separable 8x8 forward DCT of A.3.3 in Float, followed by quantisation.
struct JPEGForwardDCT {
  /// basis[u][x] = C(u) / 2 * cos((2x + 1) u pi / 16), C(0) = 1/sqrt(2), else 1.
  let basis: [[Float]]
  /// Column x of the basis as a vector over u.
  let basisColumns: [SIMD8<Float>]

  init() {
    var basis = [[Float]](repeating: [Float](repeating: 0, count: 8), count: 8)
    for u in 0..<8 {
      let scale: Double = u == 0 ? 0.5 / 2.0.squareRoot() : 0.5
      for x in 0..<8 {
        basis[u][x] = Float(scale * cos(Double((2 * x + 1) * u) * Double.pi / 16))
      }
    }
    self.basis = basis
    basisColumns = (0..<8).map { x in SIMD8((0..<8).map { basis[$0][x] }) }
  }

  /// A quantisation table (64 values, natural order) as 8 rows of divisors.
  static func divisors(_ table: [Int]) -> [SIMD8<Float>] {
    (0..<8).map { v in SIMD8((0..<8).map { Float(table[v * 8 + $0]) }) }
  }

  /// Transforms the level-shifted 8x8 block at `block` (rows `stride` apart), divides by
  /// the table and rounds to the nearest integer, writing 64 values in natural order.
  func quantize(
    _ block: UnsafePointer<Float>, stride: Int, divisors: [SIMD8<Float>],
    into output: UnsafeMutablePointer<Int>
  ) {
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 8) { rows in
      // Rows: P[y][u] = sum over x of X[y][x] B[u][x], lanes over u.
      for y in 0..<8 {
        var sum = SIMD8<Float>.zero
        for x in 0..<8 { sum.addProduct(block[y * stride + x], basisColumns[x]) }
        rows[y] = sum
      }
      // Columns: F[v][u] = sum over y of B[v][y] P[y][u], then quantise row v.
      for v in 0..<8 {
        var sum = SIMD8<Float>.zero
        for y in 0..<8 { sum.addProduct(basis[v][y], rows[y]) }
        let quantized = (sum / divisors[v]).rounded(.toNearestOrAwayFromZero)
        for u in 0..<8 { output[v * 8 + u] = Int(quantized[u]) }
      }
    }
  }
}
