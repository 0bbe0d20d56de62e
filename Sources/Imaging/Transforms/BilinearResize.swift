/// Pillow's `Image.resize(size, BILINEAR)` on 8-bit RGB, reproduced bit for bit.
///
/// Pillow resamples in two separable passes on 8-bit data: horizontally first (into a
/// temporary image holding only the rows the vertical pass will read), then vertically,
/// with 22-bit fixed-point weights and rounding plus clamping to 0...255 after each pass
/// (`ImagingResampleInner` in `src/libImaging/Resample.c`). A pass is skipped when its
/// axis keeps its size, which is exact because the unit-scale triangle is the identity.
///
/// Version note: this is the pass order of Pillow up to 12, including the reference's
/// pinned 11.0.0. Pillow 13 runs the vertical pass first when the height shrinks much
/// more than the width (Pillow PR 9549, e.g. 90x120 -> 73x73 or 375x500 -> 256x256); its
/// results then differ from these by at most one step on a fraction of the samples.
///
/// The functions here also accept a `window` of the output: computing only the pixels of
/// a centre crop gives the same values as resizing everything and cropping afterwards,
/// because each output pixel depends only on its own row and column weights.
public enum BilinearResize {
  /// Resizes the whole image to `width x height` (torchvision's `Resize` on a PIL image).
  public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    resample(
      image, source: CropBox(width: image.width, height: image.height),
      outputWidth: width, outputHeight: height,
      window: CropBox(width: width, height: height))
  }

  /// Crops `source` out of `image`, resizes it to `outputWidth x outputHeight`, and returns
  /// the `window` of that result (`window` is in output coordinates). Crop then resize is
  /// torchvision's `resized_crop`; it differs from Pillow's resize with a `box`, which
  /// would read pixels outside the crop.
  public static func resample(
    _ image: RGBImage, source: CropBox, outputWidth: Int, outputHeight: Int, window: CropBox
  ) -> RGBImage {
    precondition(
      source.fits(width: image.width, height: image.height),
      "BilinearResize: source \(source) outside a \(image.width)x\(image.height) image")
    precondition(
      window.fits(width: outputWidth, height: outputHeight),
      "BilinearResize: window \(window) outside a \(outputWidth)x\(outputHeight) output")
    let resizeColumns = outputWidth != source.width
    let resizeRows = outputHeight != source.height
    let columns =
      resizeColumns ? ResampleWeights(inputSize: source.width, outputSize: outputWidth) : nil
    let rows =
      resizeRows ? ResampleWeights(inputSize: source.height, outputSize: outputHeight) : nil

    // Source rows (relative to source.top) that the window's output rows read.
    let firstRow: Int
    let rowEnd: Int
    if let rows {
      firstRow = rows.start[window.top]
      let last = window.top + window.height - 1
      rowEnd = rows.start[last] + rows.count[last]
    } else {
      firstRow = window.top
      rowEnd = window.top + window.height
    }

    // Pass 1: horizontal, rows firstRow..<rowEnd, the window's columns only.
    let rowCount = rowEnd - firstRow
    var stage = [UInt8](repeating: 0, count: rowCount * window.width * 3)
    image.pixels.withUnsafeBufferPointer { input in
      stage.withUnsafeMutableBufferPointer { stageOut in
        let inputStride = image.width * 3
        let origin = input.baseAddress! + (source.top + firstRow) * inputStride + source.left * 3
        if let columns {
          horizontalPass(
            origin, stride: inputStride, rows: rowCount, weights: columns,
            outputColumns: window.left..<(window.left + window.width),
            into: stageOut.baseAddress!)
        } else {
          for r in 0..<rowCount {
            let from = origin + r * inputStride + window.left * 3
            (stageOut.baseAddress! + r * window.width * 3)
              .update(from: from, count: window.width * 3)
          }
        }
      }
    }
    guard let rows else {
      return RGBImage(width: window.width, height: window.height, pixels: stage)
    }

    // Pass 2: vertical, from the stage rows into the window's rows.
    var output = [UInt8](repeating: 0, count: window.width * window.height * 3)
    stage.withUnsafeBufferPointer { stageIn in
      output.withUnsafeMutableBufferPointer { out in
        verticalPass(
          stageIn.baseAddress!, rowLength: window.width * 3, firstRow: firstRow, weights: rows,
          outputRows: window.top..<(window.top + window.height), into: out.baseAddress!)
      }
    }
    return RGBImage(width: window.width, height: window.height, pixels: output)
  }

  /// Resamples `rows` rows of interleaved RGB along x. Output row r holds the columns
  /// `outputColumns` of the resized row, packed.
  ///
  /// Every output reads exactly `taps` inputs here: windows are shifted left where they
  /// would run past the right edge, with zero weights on the inputs Pillow does not read,
  /// so the integer sums are unchanged. The fixed trip count (3 taps when enlarging, 5 for
  /// a 1x-2x reduction) lets the compiler unroll. Measured on the 330 rows x 224 columns
  /// that the 224 centre crop of 500x375 -> 256x256 needs: 1.54-1.64 ms against 2.05-2.08 ms
  /// for `horizontalPassReference` (medians of 7, alternating in one process, one thread,
  /// on a shared 2-core machine at load 8, so absolute times are inflated).
  public static func horizontalPass(
    _ input: UnsafePointer<UInt8>, stride: Int, rows: Int, weights: ResampleWeights,
    outputColumns: Range<Int>, into output: UnsafeMutablePointer<UInt8>
  ) {
    guard let padded = weights.fixedTaps() else {
      horizontalPassReference(
        input, stride: stride, rows: rows, weights: weights, outputColumns: outputColumns,
        into: output)
      return
    }
    switch weights.taps {
    case 3:
      horizontalPassFixed(
        3, input, stride: stride, rows: rows, starts: padded.start, weights: padded.weights,
        outputColumns: outputColumns, into: output)
    case 5:
      horizontalPassFixed(
        5, input, stride: stride, rows: rows, starts: padded.start, weights: padded.weights,
        outputColumns: outputColumns, into: output)
    default:
      horizontalPassFixed(
        weights.taps, input, stride: stride, rows: rows, starts: padded.start,
        weights: padded.weights, outputColumns: outputColumns, into: output)
    }
  }

  @inline(__always)
  private static func horizontalPassFixed(
    _ taps: Int, _ input: UnsafePointer<UInt8>, stride: Int, rows: Int, starts: [Int],
    weights: [Int32], outputColumns: Range<Int>, into output: UnsafeMutablePointer<UInt8>
  ) {
    let half = Int32(1) << Int32(ResampleWeights.precisionBits - 1)
    let outStride = outputColumns.count * 3
    weights.withUnsafeBufferPointer { kk in
      starts.withUnsafeBufferPointer { starts in
        let kk = kk.baseAddress!
        let starts = starts.baseAddress!
        for r in 0..<rows {
          let line = input + r * stride
          var out = output + r * outStride
          for o in outputColumns {
            let k = kk + o * taps
            let p = line + starts[o] * 3
            var s0 = half
            var s1 = half
            var s2 = half
            for t in 0..<taps {
              let w = k[t]
              s0 &+= Int32(p[3 * t]) &* w
              s1 &+= Int32(p[3 * t + 1]) &* w
              s2 &+= Int32(p[3 * t + 2]) &* w
            }
            out[0] = s0.clippedToByte
            out[1] = s1.clippedToByte
            out[2] = s2.clippedToByte
            out += 3
          }
        }
      }
    }
  }

  /// The plain horizontal pass: each output sums its own `count` taps, as Pillow does.
  /// Kept as the reference for `horizontalPass`, and used when the image is narrower than
  /// the filter.
  public static func horizontalPassReference(
    _ input: UnsafePointer<UInt8>, stride: Int, rows: Int, weights: ResampleWeights,
    outputColumns: Range<Int>, into output: UnsafeMutablePointer<UInt8>
  ) {
    let half = Int32(1) << Int32(ResampleWeights.precisionBits - 1)
    let outStride = outputColumns.count * 3
    let taps = weights.taps
    // Raw pointers taken once: array accesses inside this loop cost several times the
    // arithmetic (bounds checks, retain/release).
    weights.weights.withUnsafeBufferPointer { kk in
      weights.start.withUnsafeBufferPointer { starts in
        weights.count.withUnsafeBufferPointer { counts in
          let kk = kk.baseAddress!
          let starts = starts.baseAddress!
          let counts = counts.baseAddress!
          for r in 0..<rows {
            let line = input + r * stride
            var out = output + r * outStride
            for o in outputColumns {
              let k = kk + o * taps
              var p = line + starts[o] * 3
              var s0 = half
              var s1 = half
              var s2 = half
              for t in 0..<counts[o] {
                let w = k[t]
                s0 &+= Int32(p[0]) &* w
                s1 &+= Int32(p[1]) &* w
                s2 &+= Int32(p[2]) &* w
                p += 3
              }
              out[0] = s0.clippedToByte
              out[1] = s1.clippedToByte
              out[2] = s2.clippedToByte
              out += 3
            }
          }
        }
      }
    }
  }

  /// Resamples along y: output row `o` of `outputRows` combines input rows
  /// `start[o] - firstRow ..< ...` of `input`, whose rows are `rowLength` bytes.
  static func verticalPass(
    _ input: UnsafePointer<UInt8>, rowLength: Int, firstRow: Int, weights: ResampleWeights,
    outputRows: Range<Int>, into output: UnsafeMutablePointer<UInt8>
  ) {
    let half = Int32(1) << Int32(ResampleWeights.precisionBits - 1)
    var sums = [Int32](repeating: 0, count: rowLength)
    weights.weights.withUnsafeBufferPointer { kk in
      sums.withUnsafeMutableBufferPointer { acc in
        for (r, o) in outputRows.enumerated() {
          let k = kk.baseAddress! + o * weights.taps
          let base = input + (weights.start[o] - firstRow) * rowLength
          for x in 0..<rowLength { acc[x] = half }
          // Row by row so the inner loop runs over contiguous bytes (vectorises).
          for t in 0..<weights.count[o] {
            let w = k[t]
            let line = base + t * rowLength
            for x in 0..<rowLength { acc[x] &+= Int32(line[x]) &* w }
          }
          let out = output + r * rowLength
          for x in 0..<rowLength { out[x] = acc[x].clippedToByte }
        }
      }
    }
  }
}
