// col2im for the data gradient of strided convolutions: the im2col rows that the GEMM
// W^T x gradOutput produced, added back onto the input pixels they were read from.
//
// Read naively, row (c, ky, kx) lands on input columns stride * ox + kx - padding, a
// scattered store every `stride` floats, one branch per element; at the 7x7 stem that
// took more time than the GEMM itself. Split the input by stride phase instead, as
// the forward's planes do: pixel (iy, ix) belongs to phase (iy % s, ix % s) at
// (iy / s, ix / s). Tap (ky, kx) always lands in one phase, at a constant offset
// from (oy, ox), so each row of the im2col matrix is added to its phase plane in
// contiguous vector runs. The phases are interleaved into the image at the end.
//
// Every pixel receives its terms in the same order as the naive loop ((c, ky, kx)
// ascending, from zero), so the two give bitwise the same result.

/// Phase-plane geometry of one channel: `s * s` planes of `rows x columns`, where
/// phase (py, px) holds the pixels (s * jy + py, s * jx + px) that exist.
struct Col2imPhases {
  let geometry: Conv2dGeometry
  let rows: Int
  let columns: Int

  init(_ g: Conv2dGeometry) {
    geometry = g
    rows = (g.height + g.strideHeight - 1) / g.strideHeight
    columns = (g.width + g.strideWidth - 1) / g.strideWidth
  }

  /// Floats of the planes of every channel of one image.
  var count: Int {
    geometry.strideHeight * geometry.strideWidth * geometry.inChannels * rows * columns
  }

  /// Where tap offset `k` (ky or kx) lands: the phase `(k - padding) mod s` and the
  /// shift `d` with `j = o + d` along that axis.
  static func phase(tap k: Int, padding: Int, stride s: Int) -> (phase: Int, shift: Int) {
    let position = k - padding
    let phase = ((position % s) + s) % s
    return (phase, (position - phase) / s)
  }

  /// Pixels along an axis of `size` whose index is `phase` mod `s`.
  static func extent(size: Int, phase: Int, stride s: Int) -> Int {
    max(0, (size - phase + s - 1) / s)
  }
}

/// Adds the im2col matrix `columns` (`[C*kh*kw, OH*OW]`, rows in (c, ky, kx) order) of
/// one image onto `image` (`[C, H, W]`, overwritten, not added to), through the
/// phase planes in `phases` (`Col2imPhases.count` floats of scratch).
func col2imPhased(
  _ g: Conv2dGeometry, columns: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>,
  phases: UnsafeMutablePointer<Float>
) {
  let layout = Col2imPhases(g)
  let (sy, sx) = (g.strideHeight, g.strideWidth)
  let planeSize = layout.rows * layout.columns
  let (outHeight, outWidth) = (g.outHeight, g.outWidth)
  phases.update(repeating: 0, count: layout.count)
  var row = columns
  for c in 0..<g.inChannels {
    for ky in 0..<g.kernelHeight {
      let (py, dy) = Col2imPhases.phase(tap: ky, padding: g.paddingHeight, stride: sy)
      let planeRows = Col2imPhases.extent(size: g.height, phase: py, stride: sy)
      // Output rows oy with 0 <= oy + dy < planeRows.
      let firstRow = min(outHeight, max(0, -dy))
      let endRow = max(firstRow, min(outHeight, planeRows - dy))
      for kx in 0..<g.kernelWidth {
        let (px, dx) = Col2imPhases.phase(tap: kx, padding: g.paddingWidth, stride: sx)
        let planeColumns = Col2imPhases.extent(size: g.width, phase: px, stride: sx)
        let firstColumn = min(outWidth, max(0, -dx))
        let endColumn = max(firstColumn, min(outWidth, planeColumns - dx))
        let plane = phases + ((py * sx + px) * g.inChannels + c) * planeSize
        for oy in firstRow..<endRow {
          addRun(
            row + oy * outWidth + firstColumn,
            into: plane + (oy + dy) * layout.columns + firstColumn + dx,
            count: endColumn - firstColumn)
        }
        row += outHeight * outWidth
      }
    }
  }
  // Interleave: pixel (iy, ix) of channel c is phase (iy % sy, ix % sx) at
  // (iy / sy, ix / sx).
  for c in 0..<g.inChannels {
    for iy in 0..<g.height {
      let target = image + (c * g.height + iy) * g.width
      for px in 0..<min(sx, g.width) {
        let source =
          phases + (((iy % sy) * sx + px) * g.inChannels + c) * planeSize
          + (iy / sy) * layout.columns
        var ix = px
        var jx = 0
        while ix < g.width {
          target[ix] = source[jx]
          ix += sx
          jx += 1
        }
      }
    }
  }
}

/// `target[i] += source[i]` for `i < count`, 16 lanes at a time.
@inline(__always)
private func addRun(
  _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int
) {
  var i = 0
  while i + 16 <= count {
    let sum =
      UnsafeRawPointer(target + i).loadUnaligned(as: SIMD16<Float>.self)
      + UnsafeRawPointer(source + i).loadUnaligned(as: SIMD16<Float>.self)
    UnsafeMutableRawPointer(target + i).storeBytes(of: sum, as: SIMD16<Float>.self)
    i += 16
  }
  while i < count {
    target[i] += source[i]
    i += 1
  }
}

/// Reference twin of `col2imPhased`: each element of `columns` added straight onto its
/// input pixel.
func col2imReference(
  _ g: Conv2dGeometry, columns: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>
) {
  let (kh, kw) = (g.kernelHeight, g.kernelWidth)
  let pixels = g.outHeight * g.outWidth
  image.update(repeating: 0, count: g.inChannels * g.height * g.width)
  for c in 0..<g.inChannels {
    let plane = image + c * g.height * g.width
    for ky in 0..<kh {
      for kx in 0..<kw {
        let row = columns + ((c * kh + ky) * kw + kx) * pixels
        for oy in 0..<g.outHeight {
          let iy = oy * g.strideHeight - g.paddingHeight + ky
          if iy < 0 || iy >= g.height { continue }
          for ox in 0..<g.outWidth {
            let ix = ox * g.strideWidth - g.paddingWidth + kx
            if ix >= 0 && ix < g.width { plane[iy * g.width + ix] += row[oy * g.outWidth + ox] }
          }
        }
      }
    }
  }
}
