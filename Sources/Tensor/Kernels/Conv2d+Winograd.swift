// Winograd's minimal filtering F(4x4, 3x3) for 3x3, stride-1, padding-1 convolutions
// on weights transformed and packed beforehand (inference) or, if asked for, on every
// call (training, 128-256 channels; winogradInTraining). Each 4x4 block of outputs
// of channel o is computed from the 6x6 input tile around it as
//   Y = A^T [ sum over c of (G g_oc G^T) .* (B^T d_c B) ] A,
// so the 144 multiplications per block and channel pair of the direct method become
// 36, done as 36 products U_k[O, C] x V_k[C, tiles], one per element k of the 6x6
// transformed tile, by the GEMM register tile on U_k packed in advance and V_k read in
// place. The transforms are additions and multiplications by small constants, applied
// to 16 consecutive tiles at a time (SIMD lanes run over tiles, across rows of tiles
// and images), moved between lanes and pixels by 8 x 8 register transposes.
//
// Matrices (Lavin and Gray, 2016, interpolation points 0, +-1, +-2, infinity):
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0;
//          0 4 0 -5 0 1]
//   G   = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
//
// Accuracy: the transforms scale terms by up to 8 x 5 before they cancel, so Float32
// results differ from the direct sum by more than rounding of the direct method: on
// ResNet-like layers (256 channels, He-initialised weights, unit inputs) about 1.6e-5
// against outputs of magnitude 3, some 40 times the direct method's error, still
// within 1e-5 of the output's scale.

import Foundation

/// Whether the Winograd path computes `g`: 3x3, stride 1, padding 1.
func winogradApplies(_ g: Conv2dGeometry) -> Bool {
  g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
    && g.paddingHeight == 1 && g.paddingWidth == 1
}

/// Input and output channels from which packed weights carry the transformed filters.
/// The transforms cost memory traffic in proportion to (C + O) x H x W, the saving grows
/// as O x C x H x W.
let winogradMinimumChannels = 64

/// Elements of a transformed tile: 6 x 6.
let winogradTileElements = 36

/// Whether packed weights run `g` through Winograd: it applies and the channel counts
/// make it pay.
func winogradPays(_ g: Conv2dGeometry) -> Bool {
  winogradApplies(g) && g.inChannels >= winogradMinimumChannels
    && g.outChannels >= winogradMinimumChannels
}

/// Whether training uses Winograd too: `SPURIOUS_WINOGRAD_TRAINING=1`. Off by default.
/// On, the forward pass and the stride-1 backward-data pass of 3x3 layers with 128 to
/// 256 channels (weights not packed beforehand) run through Winograd, their weights
/// transformed on every call. ResNet50 training at batch 16 then ran 1.02-1.27x
/// PyTorch against 0.91-1.01x (BENCHMARKS.md), but its gradients move further from
/// float64: the worst parameter's relative error in the full-size ResNet50 check went
/// from within twice PyTorch's own float32 error (6%) to 13%, the median from 0.33% to
/// 0.75%, because Winograd's larger rounding flips more ReLUs whose input is within
/// rounding of zero. The reference's GPU runs made the same kind of trade whenever
/// cuDNN chose Winograd; reproducing PyTorch on a CPU does not, hence the default.
public let winogradInTraining =
  ProcessInfo.processInfo.environment["SPURIOUS_WINOGRAD_TRAINING"] == "1"

/// Channels of the convolutions that `winogradInTraining` moves to Winograd. The
/// transform costs O x C x 36 in Double whatever the batch: at 512 channels and 7x7
/// images it takes about as long as the convolution it saves. At 64 channels, batch 16,
/// Winograd measured no faster than the direct kernel (172 against 187 GFLOPS); at 128
/// and 256, 270-281 and 210-214 against 165-187.
let winogradUnpackedChannels = 128...256

/// Whether a convolution on unpacked weights runs through Winograd when allowed.
func winogradPaysUnpacked(_ g: Conv2dGeometry) -> Bool {
  winogradApplies(g) && winogradUnpackedChannels.contains(g.inChannels)
    && winogradUnpackedChannels.contains(g.outChannels)
}

/// The transformed filters of `weight` `[O, C, 3, 3]` packed for the register tile:
/// for each element k of the 6x6 tile, the matrix `U_k[o][c]` (element k of
/// `G g_oc G^T`) packed as `packConvWeights` packs an `[O, C]` matrix. `u` holds
/// `winogradPackedCount(outChannels:inChannels:)` floats.
func winogradTransformWeights(
  _ weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int,
  into u: UnsafeMutablePointer<Float>, pool: ThreadPool
) {
  let plane = outChannels * inChannels
  let panels = (outChannels + gemmTileRows - 1) / gemmTileRows
  let packedPlane = panels * gemmTileRows * inChannels
  // Transformed filters, element-major ([36][O][C]), then packed element by element.
  let raw = UnsafeMutablePointer<Float>.allocate(capacity: winogradTileElements * plane)
  defer { raw.deallocate() }
  pool.parallelFor(outChannels) { o in
    for c in 0..<inChannels {
      let g = weight + (o * inChannels + c) * 9
      // G g (6 x 3, by columns of g), then (G g) G^T (6 x 6, by rows), in Double.
      let column0 = filterTransform(Double(g[0]), Double(g[3]), Double(g[6]))
      let column1 = filterTransform(Double(g[1]), Double(g[4]), Double(g[7]))
      let column2 = filterTransform(Double(g[2]), Double(g[5]), Double(g[8]))
      for i in 0..<6 {
        let row = filterTransform(column0[i], column1[i], column2[i])
        for j in 0..<6 { raw[(6 * i + j) * plane + o * inChannels + c] = Float(row[j]) }
      }
    }
  }
  pool.parallelFor(winogradTileElements * panels) { task in
    let (k, panel) = (task / panels, task % panels)
    packConvWeights(
      raw + k * plane, rows: outChannels, depth: inChannels, panel: panel, panels: panels,
      into: u + k * packedPlane)
  }
}

/// Floats of `winogradTransformWeights`' output.
func winogradPackedCount(outChannels: Int, inChannels: Int) -> Int {
  let panels = (outChannels + gemmTileRows - 1) / gemmTileRows
  return winogradTileElements * panels * gemmTileRows * inChannels
}

/// `G x` for a column or row `x` of 3 filter taps.
private func filterTransform(_ x0: Double, _ x1: Double, _ x2: Double) -> SIMD8<Double> {
  SIMD8(
    x0 / 4, -(x0 + x1 + x2) / 6, -(x0 - x1 + x2) / 6, x0 / 24 + x1 / 12 + x2 / 6,
    x0 / 24 - x1 / 12 + x2 / 6, x2, 0, 0)
}

typealias WinogradSix = (
  SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>
)
typealias WinogradFour = (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)

/// `B^T x` for 6 values (a row or column of an input tile), 16 tiles at once.
@inline(__always)
private func inputTransform(_ x: WinogradSix) -> WinogradSix {
  let four = SIMD16<Float>(repeating: 4)
  let two = SIMD16<Float>(repeating: 2)
  let five = SIMD16<Float>(repeating: -5)
  var r0 = x.4
  r0.addProduct(five, x.2)
  r0.addProduct(four, x.0)
  var r5 = x.5
  r5.addProduct(five, x.3)
  r5.addProduct(four, x.1)
  var r1 = x.3 + x.4
  r1.addProduct(-four, x.1 + x.2)
  var r2 = x.4 - x.3
  r2.addProduct(four, x.1 - x.2)
  let (x42, x13) = (x.4 - x.2, x.1 - x.3)
  var r3 = x42
  r3.addProduct(-two, x13)
  var r4 = x42
  r4.addProduct(two, x13)
  return (r0, r1, r2, r3, r4, r5)
}

/// `A^T x` for 6 values (a row or column of a transformed product), 16 tiles at once.
@inline(__always)
private func outputTransform(_ m: WinogradSix) -> WinogradFour {
  let (s12, d12) = (m.1 + m.2, m.1 - m.2)
  let (s34, d34) = (m.3 + m.4, m.3 - m.4)
  var y1 = d12
  y1.addProduct(SIMD16(repeating: 2), d34)
  var y2 = s12
  y2.addProduct(SIMD16(repeating: 4), s34)
  var y3 = d12 + m.5
  y3.addProduct(SIMD16(repeating: 8), d34)
  return (m.0 + s12 + s34, y1, y2, y3)
}

/// How one call lays out its tiles: numbered image by image, row-major within an image;
/// `V_k` is `[C][tileStride]` and `M_k` `[8 * panels][tileStride]`. Each image's input
/// channel is copied into a zero-padded plane `planeWidth` floats wide; outputs are
/// written in place, tile by tile.
struct WinogradLayout {
  let tileRows: Int
  let tileColumns: Int
  let tilesPerImage: Int
  let tiles: Int
  /// Floats from one row of `V_k` or `M_k` to the next: the tiles rounded up to whole
  /// register tiles, with room for the full-vector stores of a partial last group.
  let tileStride: Int
  /// Padded input plane: one row and column of zeros before the image, zeros after it
  /// up to the last tile's edge, plus 2 columns for 8-wide loads of 6-wide tile rows.
  let planeWidth: Int
  let paddedPlane: Int
  let height: Int
  let width: Int

  init(_ g: Conv2dGeometry, images: Int) {
    tileRows = (g.height + 3) / 4
    tileColumns = (g.width + 3) / 4
    tilesPerImage = tileRows * tileColumns
    tiles = images * tilesPerImage
    let slack = tiles + 16
    tileStride = (slack + gemmTileColumns - 1) / gemmTileColumns * gemmTileColumns
    planeWidth = 4 * tileColumns + 4
    paddedPlane = planeWidth * (4 * tileRows + 2)
    (height, width) = (g.height, g.width)
  }

  /// Tile `t`'s image and its row and column among the image's tiles.
  private func position(_ t: Int) -> (image: Int, ty: Int, tx: Int) {
    let r = t % tilesPerImage
    return (t / tilesPerImage, r / tileColumns, r % tileColumns)
  }

  /// Where tile `t` starts in its image's padded plane (row 4 ty, column 4 tx).
  func paddedOffset(_ t: Int) -> Int {
    let (image, ty, tx) = position(t)
    return image * paddedPlane + 4 * ty * planeWidth + 4 * tx
  }

  /// Where tile `t`'s first output lies in a channel of its image, images
  /// `imageOutputs` floats apart.
  func outputOffset(_ t: Int, imageOutputs: Int) -> Int {
    let (image, ty, tx) = position(t)
    return image * imageOutputs + 4 * ty * width + 4 * tx
  }

  /// Tile `t`'s outputs inside the image, `8 * rows + columns` (36 for a whole tile):
  /// the last row and column of tiles hang over the edge when the size is not a
  /// multiple of 4.
  func extent(_ t: Int) -> Int {
    let (_, ty, tx) = position(t)
    return 8 * min(4, height - 4 * ty) + min(4, width - 4 * tx)
  }
}

/// The Winograd forward: `output = conv(input, weight) + bias` through `epilogue`, for
/// `g` with `winogradApplies(g)`, `u` from `winogradTransformWeights`. Images are
/// taken in groups whose transformed tiles fill about `groupFloats` floats.
func conv2dForwardWinograd(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, u: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  epilogue: Conv2dEpilogue, pool: ThreadPool, groupFloats: Int = 1 << 22
) {
  precondition(winogradApplies(g), "conv2d: Winograd F(4x4, 3x3) does not apply to \(g)")
  if g.batch == 0 { return }
  let (inChannels, outChannels) = (g.inChannels, g.outChannels)
  let panels = (outChannels + gemmTileRows - 1) / gemmTileRows
  let single = WinogradLayout(g, images: 1)
  // Images per group: the transformed input and the 36 products (36 x C x T and
  // 36 x O x T floats) stay around 16 MiB each.
  let channels = max(inChannels, panels * gemmTileRows)
  let images = max(
    1, min(g.batch, groupFloats / (winogradTileElements * channels * single.tilesPerImage)))
  let groups = (g.batch + images - 1) / images
  let largest = WinogradLayout(g, images: (g.batch + groups - 1) / groups)
  let transformed = KernelScratch.floats(
    .convColumns, count: winogradTileElements * inChannels * largest.tileStride)
  let products = KernelScratch.floats(
    .convPlanes, count: winogradTileElements * panels * gemmTileRows * largest.tileStride)
  // Reduction row offsets of V, then the padded offset, output offset and extent of
  // every tile (rounded up to whole groups of 16, the extra lanes repeating tile 0).
  let offsetCount = inChannels + 3 * (largest.tiles + 16)
  let offsets = UnsafeMutableRawPointer(
    KernelScratch.floats(.convOffsets, count: 2 * offsetCount)
  ).bindMemory(to: Int.self, capacity: offsetCount)
  let imageInputs = inChannels * g.height * g.width
  let imageOutputs = outChannels * g.height * g.width
  let packedPlane = panels * gemmTileRows * inChannels
  let channelTasks = min(inChannels, 4 * pool.threadCount)
  let outputTasks = min(outChannels, 4 * pool.threadCount)

  for group in 0..<groups {
    let first = group * g.batch / groups
    let count = (group + 1) * g.batch / groups - first
    let layout = WinogradLayout(g, images: count)
    let stride = layout.tileStride
    let registerTiles = (layout.tiles + gemmTileColumns - 1) / gemmTileColumns
    let laneTiles = (layout.tiles + 15) / 16 * 16
    for p in 0..<inChannels { offsets[p] = p * stride }
    let paddedOffsets = offsets + inChannels
    let outputOffsets = paddedOffsets + laneTiles
    let extents = outputOffsets + laneTiles
    for lane in 0..<laneTiles {
      let t = lane < layout.tiles ? lane : 0
      paddedOffsets[lane] = layout.paddedOffset(t)
      outputOffsets[lane] = layout.outputOffset(t, imageOutputs: imageOutputs)
      extents[lane] = layout.extent(t)
    }
    let tileOffsets = UnsafePointer(paddedOffsets)
    pool.parallelFor(channelTasks) { task in
      let padded = KernelScratch.floats(.convTile, count: count * layout.paddedPlane)
      for c in (task * inChannels / channelTasks)..<((task + 1) * inChannels / channelTasks) {
        winogradInputTransform(
          g, channel: input + first * imageInputs + c * g.height * g.width,
          imageStride: imageInputs, layout: layout, padded: padded, tileOffsets: tileOffsets,
          into: transformed + c * stride, elementStride: inChannels * stride)
      }
    }
    // M_k = U_k x V_k, one element k per task; within it, register tile by register
    // tile, the reduction in blocks whose B rows stay in L1 across the panels.
    let rows = UnsafePointer(offsets)
    let v = UnsafePointer(transformed)
    pool.parallelFor(winogradTileElements) { k in
      let a = u + k * packedPlane
      let b = v + k * inChannels * stride
      let m = products + k * panels * gemmTileRows * stride
      for tile in 0..<registerTiles {
        for depthStart in Swift.stride(from: 0, to: inChannels, by: convDepthBlock) {
          let blockDepth = min(convDepthBlock, inChannels - depthStart)
          for panel in 0..<panels {
            gemmMicroKernel(
              depth: blockDepth,
              a: a
                + convPackedIndex(
                  panel: panel, step: depthStart, panels: panels, depth: inChannels),
              b: b + tile * gemmTileColumns, rowOffsets: rows + depthStart,
              tile: m + panel * gemmTileRows * stride + tile * gemmTileColumns,
              tileStride: stride, accumulate: depthStart > 0)
          }
        }
      }
    }
    let mStride = panels * gemmTileRows * stride
    let (tileOutputs, tileExtents) = (UnsafePointer(outputOffsets), UnsafePointer(extents))
    pool.parallelFor(outputTasks) { task in
      for o in (task * outChannels / outputTasks)..<((task + 1) * outChannels / outputTasks) {
        winogradOutputTransform(
          products: products + o * stride, elementStride: mStride, layout: layout,
          tileOffsets: tileOutputs, tileExtents: tileExtents, shift: bias?[o] ?? 0,
          epilogue: epilogue, output: output,
          channelOffset: first * imageOutputs + o * g.height * g.width)
      }
    }
  }
}

/// `B^T d B` for every 6x6 tile of one input channel of `layout`'s images (the first at
/// `channel`, the next `imageStride` floats on): element k of tile t goes to
/// `into[k * elementStride + t]`. Tiles are taken 16 at a time, the last group's extra
/// lanes stored past the last tile. `padded` holds the images' padded planes.
private func winogradInputTransform(
  _ g: Conv2dGeometry, channel: UnsafePointer<Float>, imageStride: Int,
  layout: WinogradLayout, padded: UnsafeMutablePointer<Float>,
  tileOffsets: UnsafePointer<Int>, into v: UnsafeMutablePointer<Float>, elementStride: Int
) {
  let images = layout.tiles / layout.tilesPerImage
  padded.update(repeating: 0, count: images * layout.paddedPlane)
  for image in 0..<images {
    let plane = padded + image * layout.paddedPlane
    for y in 0..<g.height {
      (plane + (y + 1) * layout.planeWidth + 1).update(
        from: channel + image * imageStride + y * g.width, count: g.width)
    }
  }
  let width = layout.planeWidth
  for t in Swift.stride(from: 0, to: layout.tiles, by: 16) {
    // Row i of 16 tiles as 6 vectors over the tiles (d B as it is read): 8 tiles' rows
    // loaded 8 wide, transposed, for each half.
    @inline(__always) func row(_ i: Int) -> WinogradSix {
      @inline(__always) func half(_ h: Int) -> Block8x8 {
        @inline(__always) func load(_ l: Int) -> SIMD8<Float> {
          UnsafeRawPointer(padded + tileOffsets[t + 8 * h + l] + i * width)
            .loadUnaligned(as: SIMD8<Float>.self)
        }
        return transposed8x8(
          (load(0), load(1), load(2), load(3), load(4), load(5), load(6), load(7)))
      }
      let (low, high) = (half(0), half(1))
      return inputTransform(
        (
          SIMD16(lowHalf: low.0, highHalf: high.0), SIMD16(lowHalf: low.1, highHalf: high.1),
          SIMD16(lowHalf: low.2, highHalf: high.2), SIMD16(lowHalf: low.3, highHalf: high.3),
          SIMD16(lowHalf: low.4, highHalf: high.4), SIMD16(lowHalf: low.5, highHalf: high.5)
        ))
    }
    let rows = (row(0), row(1), row(2), row(3), row(4), row(5))
    let target = v + t
    // B^T (d B), column by column; element (i, j) of the tile is k = 6 i + j.
    @inline(__always) func store(column j: Int, _ x: WinogradSix) {
      let column = target + j * elementStride
      @inline(__always) func put(_ i: Int, _ value: SIMD16<Float>) {
        UnsafeMutableRawPointer(column + 6 * i * elementStride).storeBytes(
          of: value, as: SIMD16<Float>.self)
      }
      put(0, x.0)
      put(1, x.1)
      put(2, x.2)
      put(3, x.3)
      put(4, x.4)
      put(5, x.5)
    }
    store(column: 0, inputTransform((rows.0.0, rows.1.0, rows.2.0, rows.3.0, rows.4.0, rows.5.0)))
    store(column: 1, inputTransform((rows.0.1, rows.1.1, rows.2.1, rows.3.1, rows.4.1, rows.5.1)))
    store(column: 2, inputTransform((rows.0.2, rows.1.2, rows.2.2, rows.3.2, rows.4.2, rows.5.2)))
    store(column: 3, inputTransform((rows.0.3, rows.1.3, rows.2.3, rows.3.3, rows.4.3, rows.5.3)))
    store(column: 4, inputTransform((rows.0.4, rows.1.4, rows.2.4, rows.3.4, rows.4.4, rows.5.4)))
    store(column: 5, inputTransform((rows.0.5, rows.1.5, rows.2.5, rows.3.5, rows.4.5, rows.5.5)))
  }
}

/// `A^T m A` for every tile of one output channel, element k of tile t read at
/// `products[k * elementStride + t]`, plus `shift`, through `epilogue` into the
/// channel's plane, which starts `channelOffset` floats into `output`; tile t's outputs
/// start `tileOffsets[t]` floats into the plane and cover `tileExtents[t]`
/// (`WinogradLayout.extent`). Full tiles are stored as rows of 4, the edge ones
/// output by output.
private func winogradOutputTransform(
  products: UnsafePointer<Float>, elementStride: Int, layout: WinogradLayout,
  tileOffsets: UnsafePointer<Int>, tileExtents: UnsafePointer<Int>, shift: Float,
  epilogue: Conv2dEpilogue, output: UnsafeMutablePointer<Float>, channelOffset: Int
) {
  let width = layout.width
  let shiftVector = SIMD16<Float>(repeating: shift)
  @inline(__always) func shifted(_ y: WinogradFour) -> WinogradFour {
    (y.0 + shiftVector, y.1 + shiftVector, y.2 + shiftVector, y.3 + shiftVector)
  }
  for t in Swift.stride(from: 0, to: layout.tiles, by: 16) {
    let first = products + t
    // Lanes past the last tile read the slack; their results are not written.
    @inline(__always) func m(_ k: Int) -> SIMD16<Float> {
      UnsafeRawPointer(first + k * elementStride).loadUnaligned(as: SIMD16<Float>.self)
    }
    // A^T m by columns (4 x 6), then (A^T m) A by rows (4 x 4).
    let c0 = outputTransform((m(0), m(6), m(12), m(18), m(24), m(30)))
    let c1 = outputTransform((m(1), m(7), m(13), m(19), m(25), m(31)))
    let c2 = outputTransform((m(2), m(8), m(14), m(20), m(26), m(32)))
    let c3 = outputTransform((m(3), m(9), m(15), m(21), m(27), m(33)))
    let c4 = outputTransform((m(4), m(10), m(16), m(22), m(28), m(34)))
    let c5 = outputTransform((m(5), m(11), m(17), m(23), m(29), m(35)))
    let lanes = min(16, layout.tiles - t)
    // Rows i and i + 1 of 16 tiles: per half, 8 vectors (i, j) over 8 tiles transposed
    // into one vector per tile, whose halves are its two rows of 4 outputs.
    @inline(__always) func write(_ i: Int, _ y0: WinogradFour, _ y1: WinogradFour) {
      @inline(__always) func half(_ h: Int, _ pick: (SIMD16<Float>) -> SIMD8<Float>) {
        let tilesOut = transposed8x8(
          (
            pick(y0.0), pick(y0.1), pick(y0.2), pick(y0.3), pick(y1.0), pick(y1.1), pick(y1.2),
            pick(y1.3)
          ))
        @inline(__always) func put(_ l: Int, _ value: SIMD8<Float>) {
          if 8 * h + l >= lanes { return }
          let offset = channelOffset + tileOffsets[t + 8 * h + l] + i * width
          let extent = tileExtents[t + 8 * h + l]
          if extent == 36 {
            epilogue.store(value.lowHalf, into: output, at: offset)
            epilogue.store(value.highHalf, into: output, at: offset + width)
            return
          }
          let (rows, columns) = (extent / 8 - i, extent % 8)
          for j in 0..<columns {
            if rows > 0 { epilogue.store(value[j], into: output, at: offset + j) }
            if rows > 1 { epilogue.store(value[4 + j], into: output, at: offset + width + j) }
          }
        }
        put(0, tilesOut.0)
        put(1, tilesOut.1)
        put(2, tilesOut.2)
        put(3, tilesOut.3)
        put(4, tilesOut.4)
        put(5, tilesOut.5)
        put(6, tilesOut.6)
        put(7, tilesOut.7)
      }
      half(0) { $0.lowHalf }
      half(1) { $0.highHalf }
    }
    write(
      0, shifted(outputTransform((c0.0, c1.0, c2.0, c3.0, c4.0, c5.0))),
      shifted(outputTransform((c0.1, c1.1, c2.1, c3.1, c4.1, c5.1))))
    write(
      2, shifted(outputTransform((c0.2, c1.2, c2.2, c3.2, c4.2, c5.2))),
      shifted(outputTransform((c0.3, c1.3, c2.3, c3.3, c4.3, c5.3))))
  }
}
