// Convolution as a GEMM without an im2col matrix: "phase planes".
//
// Pad each input channel with zeros and split it by stride phase: for stride s the
// plane of phase (py, px) holds padded pixels (s*y + py, s*x + px). Output pixel
// (oy, ox) at tap (ky, kx) then reads plane (ky % s, kx % s) at row oy + ky / s,
// column ox + kx / s. Number the outputs on a grid of the planes' width Wq,
// j = oy * Wq + ox: every tap becomes a constant offset, so row (c, ky, kx) of the
// im2col matrix is the plane itself, shifted. The GEMM micro-kernel reads those rows
// in place through a table of offsets. Grid columns ox >= outWidth are junk (computed
// and discarded): 2/58 of the work at 56x56, 2/9 at 7x7.
//
// Planes are per image and per thread (about 1 MiB at 64 x 58 x 58), never per batch.
// A 1x1, stride 1, unpadded convolution needs no planes: the input image is the plane.

/// The layout of one image's phase planes and output grid for a geometry.
struct Conv2dPlan {
  let geometry: Conv2dGeometry
  /// Phases per dimension that some tap uses: min(stride, kernel).
  let phaseRows: Int
  let phaseColumns: Int
  /// Rows and columns of each phase plane (and width of the output grid).
  let planeHeight: Int
  let planeWidth: Int
  let outHeight: Int
  let outWidth: Int
  /// Reduction length: inChannels * kernelHeight * kernelWidth.
  let depth: Int
  /// Grid positions holding outputs: outHeight * planeWidth.
  let gridCount: Int
  /// Floats of all planes of one image, then zeros that the last tile may read.
  let planeCount: Int
  let bufferCount: Int
  /// The input image serves as its own plane (1x1, stride 1, no padding).
  let direct: Bool
  /// Images per im2col group when the images are too small for planes (a tile of 48
  /// grid positions would be mostly junk), else nil.
  let imagesPerGroup: Int?

  init(_ g: Conv2dGeometry) {
    precondition(
      g.batch >= 0 && g.inChannels > 0 && g.outChannels > 0 && g.kernelHeight > 0
        && g.kernelWidth > 0 && g.strideHeight > 0 && g.strideWidth > 0
        && g.paddingHeight >= 0 && g.paddingWidth >= 0 && g.outHeight > 0 && g.outWidth > 0,
      "conv2d: invalid geometry \(g)")
    geometry = g
    phaseRows = min(g.strideHeight, g.kernelHeight)
    phaseColumns = min(g.strideWidth, g.kernelWidth)
    let paddedHeight = g.height + 2 * g.paddingHeight
    let paddedWidth = g.width + 2 * g.paddingWidth
    planeHeight = (paddedHeight + g.strideHeight - 1) / g.strideHeight
    planeWidth = (paddedWidth + g.strideWidth - 1) / g.strideWidth
    outHeight = g.outHeight
    outWidth = g.outWidth
    depth = g.inChannels * g.kernelHeight * g.kernelWidth
    gridCount = outHeight * planeWidth
    direct =
      g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
      && g.paddingHeight == 0 && g.paddingWidth == 0
    planeCount = phaseRows * phaseColumns * g.inChannels * planeHeight * planeWidth
    // Reads reach at most one tile (48) plus the last tap's column shift past the end.
    bufferCount = planeCount + gemmTileColumns + g.kernelWidth + 16

    // Planes waste the junk columns and the rest of the last tile. Below 75% useful
    // work (90% for a 1x1 read in place, whose im2col is a mere copy), group whole
    // images, about 1024 output pixels, into one im2col matrix.
    let tiles = (gridCount + gemmTileColumns - 1) / gemmTileColumns
    let useful = Double(outHeight * outWidth) / Double(tiles * gemmTileColumns)
    if useful < (direct ? 0.9 : 0.75) {
      let images = max(1, min(g.batch, 1024 / (outHeight * outWidth)))
      // Even groups: as many as `images` implies, the batch split evenly among them.
      let groups = (g.batch + images - 1) / images
      imagesPerGroup = (g.batch + groups - 1) / max(groups, 1)
    } else {
      imagesPerGroup = nil
    }
  }

  /// im2col of `images` and `channels`: row (c, ky, kx) of `columns` holds that tap
  /// for every output pixel of each image in turn, `stride` floats per row, zero past
  /// the last pixel.
  func fillColumns(
    input: UnsafePointer<Float>, images: Range<Int>, channels: Range<Int>, stride: Int,
    into columns: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    let pixels = outHeight * outWidth
    var p = channels.lowerBound * g.kernelHeight * g.kernelWidth
    for c in channels {
      for ky in 0..<g.kernelHeight {
        for kx in 0..<g.kernelWidth {
          let row = columns + p * stride
          for (index, n) in images.enumerated() {
            let source = input + (n * g.inChannels + c) * g.height * g.width
            let target = row + index * pixels
            if sameWidthStrideOne {
              fillTapSameWidth(source: source, ky: ky, kx: kx, into: target)
              continue
            }
            for oy in 0..<outHeight {
              let iy = oy * g.strideHeight - g.paddingHeight + ky
              let line = target + oy * outWidth
              if iy < 0 || iy >= g.height {
                line.update(repeating: 0, count: outWidth)
                continue
              }
              let sourceRow = source + iy * g.width
              if g.strideWidth == 1 {
                // Output columns whose input column kx - padding + ox is inside the row.
                let shift = kx - g.paddingWidth
                let low = min(outWidth, max(0, -shift))
                let high = max(low, min(outWidth, g.width - shift))
                line.update(repeating: 0, count: low)
                (line + low).update(from: sourceRow + low + shift, count: high - low)
                (line + high).update(repeating: 0, count: outWidth - high)
                continue
              }
              for ox in 0..<outWidth {
                let ix = ox * g.strideWidth - g.paddingWidth + kx
                line[ox] = ix >= 0 && ix < g.width ? sourceRow[ix] : 0
              }
            }
          }
          let used = images.count * pixels
          (row + used).update(repeating: 0, count: stride - used)
          p += 1
        }
      }
    }
  }

  /// Stride 1 and an output as wide as the input (the 3x3 "same" convolutions of the
  /// 7x7 stage): an im2col row is then the channel itself shifted by one constant.
  private var sameWidthStrideOne: Bool {
    geometry.strideHeight == 1 && geometry.strideWidth == 1 && outWidth == geometry.width
  }

  /// One image's im2col row of tap `(ky, kx)` when `sameWidthStrideOne`: output pixel
  /// (oy, ox) takes input (oy + ky - padding, ox + kx - padding), which for the rows
  /// inside the input is the channel read at one constant shift, so the valid rows are
  /// one copy (not a call per 7-float row), after which the columns that the shift
  /// carried across a row edge are zeroed.
  private func fillTapSameWidth(
    source: UnsafePointer<Float>, ky: Int, kx: Int, into target: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    let width = outWidth
    let shiftRows = ky - g.paddingHeight
    let shiftColumns = kx - g.paddingWidth
    // Output rows whose input row oy + shiftRows lies inside the input.
    let firstRow = min(outHeight, max(0, -shiftRows))
    let endRow = max(firstRow, min(outHeight, g.height - shiftRows))
    target.update(repeating: 0, count: firstRow * width)
    (target + endRow * width).update(repeating: 0, count: (outHeight - endRow) * width)
    if firstRow == endRow { return }
    // Block element j reads the channel at `start + j`; clip to the channel.
    let count = (endRow - firstRow) * width
    let start = (firstRow + shiftRows) * width + shiftColumns
    let low = min(count, max(0, -start))
    let high = max(low, min(count, g.height * g.width - start))
    let block = target + firstRow * width
    block.update(repeating: 0, count: low)
    (block + low).update(from: source + start + low, count: high - low)
    (block + high).update(repeating: 0, count: count - high)
    // Columns ox with ox + shiftColumns outside 0..<width read a neighbouring row.
    let validLow = min(width, max(0, -shiftColumns))
    let validHigh = max(validLow, min(width, width - shiftColumns))
    if validLow == 0 && validHigh == width { return }
    for r in 0..<(endRow - firstRow) {
      let line = block + r * width
      for ox in 0..<validLow { line[ox] = 0 }
      for ox in validHigh..<width { line[ox] = 0 }
    }
  }

  /// Plane offset of each im2col row `(c, ky, kx)`, in that order (OIHW weights).
  func fillOffsets(_ offsets: UnsafeMutablePointer<Int>) {
    let g = geometry
    let planeSize = planeHeight * planeWidth
    var p = 0
    for c in 0..<g.inChannels {
      for ky in 0..<g.kernelHeight {
        for kx in 0..<g.kernelWidth {
          let phase = (ky % g.strideHeight) * phaseColumns + kx % g.strideWidth
          offsets[p] =
            (phase * g.inChannels + c) * planeSize + (ky / g.strideHeight) * planeWidth
            + kx / g.strideWidth
          p += 1
        }
      }
    }
  }

  /// Writes the planes of `channels` of one image (`image` is its `[C, H, W]` start).
  func fillPlanes(
    image: UnsafePointer<Float>, channels: Range<Int>, into planes: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    let planeSize = planeHeight * planeWidth
    for py in 0..<phaseRows {
      for px in 0..<phaseColumns {
        for c in channels {
          let plane = planes + ((py * phaseColumns + px) * g.inChannels + c) * planeSize
          let source = image + c * g.height * g.width
          for y in 0..<planeHeight {
            let row = plane + y * planeWidth
            let iy = y * g.strideHeight + py - g.paddingHeight
            if iy < 0 || iy >= g.height {
              row.update(repeating: 0, count: planeWidth)
              continue
            }
            let sourceRow = source + iy * g.width
            if g.strideWidth == 1 {
              let left = min(g.paddingWidth, planeWidth)
              row.update(repeating: 0, count: left)
              let count = min(g.width, planeWidth - left)
              (row + left).update(from: sourceRow, count: count)
              (row + left + count).update(repeating: 0, count: planeWidth - left - count)
            } else {
              for x in 0..<planeWidth {
                let ix = x * g.strideWidth + px - g.paddingWidth
                row[x] = ix >= 0 && ix < g.width ? sourceRow[ix] : 0
              }
            }
          }
        }
      }
    }
  }

  /// Zeroes what lies past the planes, so junk reads of the last tile are finite.
  func zeroSlack(_ planes: UnsafeMutablePointer<Float>) {
    (planes + planeCount).update(repeating: 0, count: bufferCount - planeCount)
  }
}
