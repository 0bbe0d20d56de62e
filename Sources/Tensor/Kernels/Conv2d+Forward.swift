import CacheHints

// Forward convolution on phase planes (Conv2dPlan): per image,
// output[O, grid] = W[O, C*kh*kw] x planes-as-im2col[C*kh*kw, grid], with the weights
// packed once per call into 8-row micro-panels and the 8 x 48 GEMM register tile
// reading the planes in place. Tasks are (image, group of 8-channel panels), so each
// output element is computed by one task with the reduction in a fixed order.

/// Reduction rows per pass over a tile: the tile's B rows (4 cache lines each, 24 KiB)
/// are reused from L1/L2 by every panel. 96 measured level with one unblocked pass at
/// 3x3 64 @ 56 and 1x1 256 -> 64 @ 56 (1 thread, CPU clock: 89-97 and 67-75 GFLOPS).
let convDepthBlock = 96

/// What the forward convolution does to each output after the reduction: add the
/// bias of its channel, add the element of `residual` (a tensor of the output's shape)
/// if any, clamp at zero if `relu`; in that order, as the unfused ops would. Fusing
/// them saves the ResNet bottleneck's separate ReLU, sum and ReLU passes over memory.
public struct Conv2dEpilogue {
  public var residual: UnsafePointer<Float>?
  public var relu: Bool

  public init(residual: UnsafePointer<Float>? = nil, relu: Bool = false) {
    self.residual = residual
    self.relu = relu
  }

  /// Bias only.
  public static let none = Conv2dEpilogue()

  /// `output[offset ..< offset + 4] = clamp(value + residual[offset ..< offset + 4])`:
  /// four outputs whose bias is already in `value`.
  @inline(__always)
  func store(_ value: SIMD4<Float>, into output: UnsafeMutablePointer<Float>, at offset: Int) {
    var v = value
    if let residual {
      v += UnsafeRawPointer(residual + offset).loadUnaligned(as: SIMD4<Float>.self)
    }
    if relu { v.replace(with: SIMD4(), where: v .< SIMD4()) }
    UnsafeMutableRawPointer(output + offset).storeBytes(of: v, as: SIMD4<Float>.self)
  }

  /// `output[offset] = clamp(value + residual[offset])`, one output.
  @inline(__always)
  func store(_ value: Float, into output: UnsafeMutablePointer<Float>, at offset: Int) {
    var v = value
    if let residual { v += residual[offset] }
    output[offset] = relu && v < 0 ? 0 : v
  }

  /// `target[x] = clamp(source[x] + shift + residual[x])` for `x < count`, where
  /// `residual` is read `offset` floats in, the offset of `target` in the output.
  @inline(__always)
  func apply(
    _ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int,
    shift: Float, offset: Int
  ) {
    let zero = SIMD16<Float>()
    let shiftVector = SIMD16<Float>(repeating: shift)
    let residualRow = residual.map { $0 + offset }
    var x = 0
    while x + 16 <= count {
      var v = UnsafeRawPointer(source + x).loadUnaligned(as: SIMD16<Float>.self) + shiftVector
      if let residualRow {
        v += UnsafeRawPointer(residualRow + x).loadUnaligned(as: SIMD16<Float>.self)
      }
      if relu { v.replace(with: zero, where: v .< zero) }
      UnsafeMutableRawPointer(target + x).storeBytes(of: v, as: SIMD16<Float>.self)
      x += 16
    }
    // Rows of 56, 28, 14 and 7 outputs end in fewer than 16: an 8-wide and a 4-wide
    // step before the scalar remainder.
    if x + 8 <= count {
      var v = UnsafeRawPointer(source + x).loadUnaligned(as: SIMD8<Float>.self)
      v += shiftVector.lowHalf
      if let residualRow {
        v += UnsafeRawPointer(residualRow + x).loadUnaligned(as: SIMD8<Float>.self)
      }
      if relu { v.replace(with: zero.lowHalf, where: v .< zero.lowHalf) }
      UnsafeMutableRawPointer(target + x).storeBytes(of: v, as: SIMD8<Float>.self)
      x += 8
    }
    if x + 4 <= count {
      var v = UnsafeRawPointer(source + x).loadUnaligned(as: SIMD4<Float>.self)
      v += shiftVector.lowHalf.lowHalf
      if let residualRow {
        v += UnsafeRawPointer(residualRow + x).loadUnaligned(as: SIMD4<Float>.self)
      }
      if relu { v.replace(with: SIMD4(), where: v .< SIMD4()) }
      UnsafeMutableRawPointer(target + x).storeBytes(of: v, as: SIMD4<Float>.self)
      x += 4
    }
    while x < count {
      var v = source[x] + shift
      if let residualRow { v += residualRow[x] }
      target[x] = relu && v < 0 ? 0 : v
      x += 1
    }
  }
}

/// Convolution weights `[O, C, kh, kw]` packed once into the forward kernel's layout,
/// for inference, where the same weights serve call after call: the forward then
/// skips packing them (a pass over all weights per call, most of the time at batch 1).
/// A snapshot: later changes to the source weights are not seen.
public final class PackedConv2dWeights: @unchecked Sendable {
  /// `[O, C, kh, kw]` of the source weights.
  public let shape: [Int]
  let values: UnsafeMutablePointer<Float>
  /// For 3x3 filters, the weights transformed for Winograd F(4x4, 3x3), used when the
  /// convolution has stride 1 and padding 1 (Conv2d+Winograd.swift).
  let winograd: UnsafeMutablePointer<Float>?

  /// Packs `weight`, `shape` values `[O, C, kh, kw]`.
  public init(_ weight: UnsafePointer<Float>, shape: [Int], pool: ThreadPool = .shared) {
    precondition(
      shape.count == 4 && shape.allSatisfy { $0 > 0 },
      "PackedConv2dWeights: shape \(shape) is not [O, C, kh, kw]")
    self.shape = shape
    let depth = shape[1] * shape[2] * shape[3]
    let panels = (shape[0] + gemmTileRows - 1) / gemmTileRows
    values = UnsafeMutableRawPointer.allocate(
      byteCount: panels * gemmTileRows * depth * MemoryLayout<Float>.stride, alignment: 64
    ).bindMemory(to: Float.self, capacity: panels * gemmTileRows * depth)
    let values = values
    pool.parallelFor(panels) { panel in
      packConvWeights(
        weight, rows: shape[0], depth: depth, panel: panel, panels: panels, into: values)
    }
    if shape[2] == 3 && shape[3] == 3 && shape[0] >= winogradMinimumChannels
      && shape[1] >= winogradMinimumChannels
    {
      let count = winogradPackedCount(outChannels: shape[0], inChannels: shape[1])
      let u = UnsafeMutableRawPointer.allocate(
        byteCount: count * MemoryLayout<Float>.stride, alignment: 64
      ).bindMemory(to: Float.self, capacity: count)
      winogradTransformWeights(
        weight, outChannels: shape[0], inChannels: shape[1], into: u, pool: pool)
      winograd = u
    } else {
      winograd = nil
    }
  }

  deinit {
    values.deallocate()
    winograd?.deallocate()
  }
}

/// `conv2dForward`'s fast path; see the file comment. Weights come either as
/// `[O, C, kh, kw]` in `weight`, packed here, or already packed in `packed`.
func conv2dForwardPlanes(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
  packed: PackedConv2dWeights? = nil, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, epilogue: Conv2dEpilogue = .none, pool: ThreadPool,
  winogradUnpacked: Bool = winogradInTraining
) {
  let plan = Conv2dPlan(g)
  if g.batch == 0 { return }
  if let packed, let u = packed.winograd, winogradPays(g) {
    precondition(
      packed.shape == [g.outChannels, g.inChannels, 3, 3],
      "conv2d: packed weights \(packed.shape) do not match geometry \(g)")
    conv2dForwardWinograd(
      g, input: input, u: u, bias: bias, output: output, epilogue: epilogue, pool: pool)
    return
  }
  if packed == nil, winogradUnpacked, let weight, winogradPaysUnpacked(g) {
    // Weights that change every call (training): transformed here, each time.
    let u = KernelScratch.floats(
      .winogradWeights,
      count: winogradPackedCount(outChannels: g.outChannels, inChannels: g.inChannels))
    winogradTransformWeights(
      weight, outChannels: g.outChannels, inChannels: g.inChannels, into: u, pool: pool)
    conv2dForwardWinograd(
      g, input: input, u: u, bias: bias, output: output, epilogue: epilogue, pool: pool)
    return
  }
  let depth = plan.depth
  let panels = (g.outChannels + gemmTileRows - 1) / gemmTileRows

  // Shared read-only state, in the calling thread's scratch: packed weights (zero
  // rows past outChannels) and the plane offset of every reduction step.
  let offsets = UnsafeMutableRawPointer(
    KernelScratch.floats(.convOffsets, count: 4 * depth)
  ).bindMemory(to: Int.self, capacity: 2 * depth)
  plan.fillOffsets(offsets)
  // Offsets of a copied tile: row p is 48 p floats in.
  let packedOffsets = offsets + depth
  for p in 0..<depth { packedOffsets[p] = p * gemmTileColumns }
  let packedWeights: UnsafePointer<Float>
  if let packed {
    precondition(
      packed.shape == [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth],
      "conv2d: packed weights \(packed.shape) do not match geometry \(g)")
    packedWeights = UnsafePointer(packed.values)
  } else {
    guard let weight else { preconditionFailure("conv2d: no weights") }
    let scratch = KernelScratch.floats(.convWeights, count: panels * gemmTileRows * depth)
    pool.parallelFor(panels) { panel in
      packConvWeights(
        weight, rows: g.outChannels, depth: depth, panel: panel, panels: panels,
        into: scratch)
    }
    packedWeights = UnsafePointer(scratch)
  }

  if let images = plan.imagesPerGroup {
    // The grouped path needs row offsets of its own im2col; the planes' are unused.
    conv2dForwardGrouped(
      plan, imagesPerGroup: images, input: input, packedWeights: packedWeights,
      panels: panels, rowOffsets: offsets, bias: bias, output: output,
      epilogue: epilogue, pool: pool)
    return
  }

  // Enough tasks to occupy every thread even for a batch of one.
  let groups = min(panels, max(1, (2 * pool.threadCount + g.batch - 1) / g.batch))
  let imageOutputs = g.outChannels * plan.outHeight * plan.outWidth
  pool.parallelFor(g.batch * groups) { task in
    let n = task / groups
    let group = task % groups
    let panelRange = (group * panels / groups)..<((group + 1) * panels / groups)
    conv2dForwardImage(
      plan, image: input + n * g.inChannels * g.height * g.width,
      packedWeights: packedWeights, offsets: offsets, packedOffsets: packedOffsets,
      panels: panelRange, bias: bias, output: output, outputOffset: n * imageOutputs,
      epilogue: epilogue)
  }
}

/// Small images: im2col of a group of images side by side (`columns[C*kh*kw, images *
/// OH*OW]`, shared by all threads and filled by channel slices in parallel), then the
/// same tiles over it with tasks owning slices of output channels, so no tile is
/// mostly junk and each column is built once. `rowOffsets` has room for `depth` ints.
private func conv2dForwardGrouped(
  _ plan: Conv2dPlan, imagesPerGroup: Int, input: UnsafePointer<Float>,
  packedWeights: UnsafePointer<Float>, panels: Int, rowOffsets: UnsafeMutablePointer<Int>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  epilogue: Conv2dEpilogue, pool: ThreadPool
) {
  let g = plan.geometry
  let depth = plan.depth
  let pixels = plan.outHeight * plan.outWidth
  let groupCount = (g.batch + imagesPerGroup - 1) / imagesPerGroup
  let largestGroup = (g.batch + groupCount - 1) / groupCount
  let largestStride =
    (largestGroup * pixels + gemmTileColumns - 1) / gemmTileColumns * gemmTileColumns
  let columns = KernelScratch.floats(.convColumns, count: depth * largestStride)
  let channelTasks = min(g.inChannels, 4 * pool.threadCount)
  let panelGroups = min(panels, 4 * pool.threadCount)
  for group in 0..<groupCount {
    let first = group * g.batch / groupCount
    let images = (group + 1) * g.batch / groupCount - first
    let tiles = (images * pixels + gemmTileColumns - 1) / gemmTileColumns
    let stride = tiles * gemmTileColumns
    for p in 0..<depth { rowOffsets[p] = p * stride }
    pool.parallelFor(channelTasks) { task in
      let channels =
        (task * g.inChannels / channelTasks)..<((task + 1) * g.inChannels / channelTasks)
      plan.fillColumns(
        input: input, images: first..<(first + images), channels: channels, stride: stride,
        into: columns)
    }
    // Column j of the group is pixel j % pixels of image first + j / pixels.
    let layout = ConvGridLayout(
      rowLength: pixels, validLength: pixels, rows: images,
      rowStride: g.outChannels * pixels, channelStride: pixels)
    pool.parallelFor(panelGroups) { panelGroup in
      let panelRange =
        (panelGroup * panels / panelGroups)..<((panelGroup + 1) * panels / panelGroups)
      let grid = KernelScratch.floats(
        .convGrid, count: panelRange.count * gemmTileRows * convStripTiles * gemmTileColumns)
      convStripSweep(
        depth: depth, packedWeights: packedWeights, panels: panelRange, panelCount: panels,
        b: columns, rowOffsets: rowOffsets, tiles: 0..<tiles, grid: grid, prefetchNextStrip: true
      ) { columns, grid, gridStride in
        layout.write(
          columns: columns, grid: grid, gridStride: gridStride, panels: panelRange,
          outChannels: g.outChannels, bias: bias, epilogue: epilogue, output: output,
          base: first * g.outChannels * pixels)
      }
    }
  }
}

/// Tiles per strip of a sweep: the strip's outputs for every panel of a task (at most
/// 64 panels x 8 x 192 floats, 384 KiB) stay in L2 while the whole reduction runs over
/// them, and are written out before the next strip starts. 4 where L2 holds 1 MiB (Zen
/// 4); 2 where it holds less, the strip's outputs, the prefetched next strip and the
/// output lines then crowding it out: on Zen 1 (512 KiB), forward at batch 32 on 2
/// threads, 3x3 stride 2 128 at 56x56 46 -> 55 GFLOPS, the other layers level.
let convStripTiles = level2CacheBytes >= 1 << 20 ? 4 : 2

/// For each strip of `convStripTiles` tiles of `tiles`: `grid[panels, strip]` = packed
/// weights x B over the whole reduction, B row p at `b + rowOffsets[p]`, one 8 x 48
/// tile at a time (`panelCount` panels are packed), then `emit(columns, grid,
/// gridStride)` with the strip's columns of B. Within a strip the reduction is walked
/// in blocks of `convDepthBlock`, outermost: a tile's B rows for one block are reused
/// from L1 by every panel. `grid` holds `panels.count * 8 * convStripTiles * 48` floats.
///
/// `prefetchNextStrip` (for B read in place from a feature map or from an im2col
/// matrix larger than L2, whose rows are many short runs far apart) asks for the next
/// strip's rows while this one computes:
/// the hardware prefetchers do not follow 96 streams at once, and the first panel of
/// each tile stalled on them. 1x1 forward at batch 32, 2 threads: 56x56 64 -> 64
/// 104-123 -> 134-141 GFLOPS, 256 -> 64 144-154 -> 156-162; 3x3 512 at 7x7 (grouped
/// im2col) 168 -> 170.
@inline(__always)
func convStripSweep(
  depth: Int, packedWeights: UnsafePointer<Float>, panels: Range<Int>, panelCount: Int,
  b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>, tiles: Range<Int>,
  grid: UnsafeMutablePointer<Float>, prefetchNextStrip: Bool = false,
  emit: (_ columns: Range<Int>, _ grid: UnsafePointer<Float>, _ gridStride: Int) -> Void
) {
  let gridStride = convStripTiles * gemmTileColumns
  for stripStart in stride(from: tiles.lowerBound, to: tiles.upperBound, by: convStripTiles) {
    let stripEnd = min(stripStart + convStripTiles, tiles.upperBound)
    for depthStart in stride(from: 0, to: depth, by: convDepthBlock) {
      let blockDepth = min(convDepthBlock, depth - depthStart)
      for tile in stripStart..<stripEnd {
        let local = (tile - stripStart) * gemmTileColumns
        let ahead = b + (tile + convStripTiles) * gemmTileColumns
        let rowsPerPanel = (blockDepth + panels.count - 1) / panels.count
        for (index, panel) in panels.enumerated() {
          if prefetchNextStrip {
            // This block's rows of the same tile of the next strip, spread over the
            // panels so that no burst of prefetches fills the miss buffers.
            let first = depthStart + index * rowsPerPanel
            let end = min(first + rowsPerPanel, depthStart + blockDepth)
            if first < end {
              prefetchTileRows(ahead, rowOffsets: rowOffsets, rows: first..<end)
            }
          }
          gemmMicroKernel(
            depth: blockDepth,
            a: packedWeights
              + convPackedIndex(panel: panel, step: depthStart, panels: panelCount, depth: depth),
            b: b + tile * gemmTileColumns, rowOffsets: rowOffsets + depthStart,
            tile: grid + index * gemmTileRows * gridStride + local, tileStride: gridStride,
            accumulate: depthStart > 0)
        }
      }
    }
    emit(
      (stripStart * gemmTileColumns)..<(stripEnd * gemmTileColumns), UnsafePointer(grid),
      gridStride)
  }
}

/// Prefetches the 48 columns (3 cache lines) of each B row in `rows` at `b +
/// rowOffsets[p]`.
@inline(__always)
func prefetchTileRows(_ b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>, rows: Range<Int>) {
  for p in rows {
    let row = UnsafeRawPointer(b + rowOffsets[p])
    prefetchForRead(row)
    prefetchForRead(row + 64)
    prefetchForRead(row + 128)
  }
}

/// How the columns of a sweep's B map to the output: rows of `rowLength` columns,
/// of which the first `validLength` are outputs (the rest junk), `rows` of them; row r
/// of channel o starts `o * channelStride + r * rowStride` floats into the output.
/// Planes: a row is an output row (junk past outWidth). Grouped im2col: a row is an
/// image.
struct ConvGridLayout {
  let rowLength: Int
  let validLength: Int
  let rows: Int
  let rowStride: Int
  let channelStride: Int

  /// Writes the outputs among `columns` of a strip (`grid` row `index * 8 + i` holds
  /// channel `panel * 8 + i` of the panel at `index` in `panels`, column
  /// `columns.lowerBound` first) through `epilogue`, from `base` floats into `output`.
  @inline(__always)
  func write(
    columns: Range<Int>, grid: UnsafePointer<Float>, gridStride: Int, panels: Range<Int>,
    outChannels: Int, bias: UnsafePointer<Float>?, epilogue: Conv2dEpilogue,
    output: UnsafeMutablePointer<Float>, base: Int
  ) {
    let firstRow = columns.lowerBound / rowLength
    let lastRow = min(rows, (columns.upperBound + rowLength - 1) / rowLength)
    if firstRow >= lastRow { return }
    for (index, panel) in panels.enumerated() {
      for i in 0..<gemmTileRows {
        let o = panel * gemmTileRows + i
        if o >= outChannels { break }
        let source = grid + (index * gemmTileRows + i) * gridStride - columns.lowerBound
        let shift = bias?[o] ?? 0
        for r in firstRow..<lastRow {
          let rowStart = r * rowLength
          let low = max(rowStart, columns.lowerBound)
          let high = min(rowStart + validLength, columns.upperBound)
          if low >= high { continue }
          let offset = base + o * channelStride + r * rowStride + (low - rowStart)
          epilogue.apply(
            source + low, to: output + offset, count: high - low, shift: shift, offset: offset)
        }
      }
    }
  }
}

/// Where step `p`, row 0 of `panel` lives in the packed weights: depth blocks of
/// `convDepthBlock` outermost, so that one block of every panel (what a sweep reads
/// for every tile) is one contiguous stream. Within a block, panel after panel, each
/// `blockDepth` groups of 8 rows.
@inline(__always)
func convPackedIndex(panel: Int, step p: Int, panels: Int, depth: Int) -> Int {
  let blockStart = p / convDepthBlock * convDepthBlock
  let blockDepth = min(convDepthBlock, depth - blockStart)
  return blockStart * panels * gemmTileRows + panel * gemmTileRows * blockDepth
    + (p - blockStart) * gemmTileRows
}

/// Packs rows `8 * panel ..< 8 * panel + 8` of the `[rows, depth]` weight matrix as
/// `depth` groups of 8 values (at `convPackedIndex`), zero past the last row.
func packConvWeights(
  _ weight: UnsafePointer<Float>, rows: Int, depth: Int, panel: Int, panels: Int,
  into packed: UnsafeMutablePointer<Float>
) {
  let source = weight + panel * gemmTileRows * depth
  var fullDepth = 0
  if (panel + 1) * gemmTileRows <= rows {
    // 8 full rows: 8 x 8 register transposes (blocks of 96 steps never split one).
    fullDepth = depth / 8 * 8
    for p in stride(from: 0, to: fullDepth, by: 8) {
      transpose8x8(
        source + p, sourceStride: depth,
        packed + convPackedIndex(panel: panel, step: p, panels: panels, depth: depth),
        targetStride: gemmTileRows)
    }
  }
  for p in fullDepth..<depth {
    let target = packed + convPackedIndex(panel: panel, step: p, panels: panels, depth: depth)
    for i in 0..<gemmTileRows {
      target[i] = panel * gemmTileRows + i < rows ? source[i * depth + p] : 0
    }
  }
}

/// One image, output channels of `panels`: planes, then strips of tiles of the grid,
/// each strip's valid columns written through the epilogue into the NCHW output as soon
/// as it is done; the image's outputs start `outputOffset` floats into `output`.
private func conv2dForwardImage(
  _ plan: Conv2dPlan, image: UnsafePointer<Float>, packedWeights: UnsafePointer<Float>,
  offsets: UnsafePointer<Int>, packedOffsets: UnsafePointer<Int>, panels: Range<Int>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, outputOffset: Int,
  epilogue: Conv2dEpilogue
) {
  let g = plan.geometry
  let depth = plan.depth
  let panelCount = (g.outChannels + gemmTileRows - 1) / gemmTileRows
  let tiles = (plan.gridCount + gemmTileColumns - 1) / gemmTileColumns

  var planes = image
  if !plan.direct {
    let buffer = KernelScratch.floats(.convPlanes, count: plan.bufferCount)
    plan.fillPlanes(image: image, channels: 0..<g.inChannels, into: buffer)
    plan.zeroSlack(buffer)
    planes = UnsafePointer(buffer)
  }
  let grid = KernelScratch.floats(
    .convGrid, count: panels.count * gemmTileRows * convStripTiles * gemmTileColumns)
  // Grid position j is output row j / planeWidth, column j % planeWidth (junk past
  // outWidth). Without junk the whole grid is one row, written in long runs.
  let pixels = plan.outHeight * plan.outWidth
  let layout =
    plan.planeWidth == plan.outWidth
    ? ConvGridLayout(
      rowLength: pixels, validLength: pixels, rows: 1, rowStride: 0, channelStride: pixels)
    : ConvGridLayout(
      rowLength: plan.planeWidth, validLength: plan.outWidth, rows: plan.outHeight,
      rowStride: plan.outWidth, channelStride: pixels)
  let emit = { (columns: Range<Int>, grid: UnsafePointer<Float>, gridStride: Int) in
    layout.write(
      columns: columns, grid: grid, gridStride: gridStride, panels: panels,
      outChannels: g.outChannels, bias: bias, epilogue: epilogue, output: output,
      base: outputOffset)
  }

  // Every tile reads the planes in place, except a partial last tile of an image read
  // in place (direct), copied so that reads stay inside the caller's buffer.
  var fullTiles = tiles
  if plan.direct && tiles * gemmTileColumns > plan.gridCount {
    fullTiles -= 1
    let first = fullTiles * gemmTileColumns
    let valid = plan.gridCount - first
    let tail = KernelScratch.floats(.convTile, count: depth * gemmTileColumns)
    for p in 0..<depth {
      (tail + p * gemmTileColumns).update(from: planes + offsets[p] + first, count: valid)
      (tail + p * gemmTileColumns + valid).update(repeating: 0, count: gemmTileColumns - valid)
    }
    // The sweep reads tile `fullTiles` at b + first: point b that far before the copy.
    convStripSweep(
      depth: depth, packedWeights: packedWeights, panels: panels, panelCount: panelCount,
      b: UnsafePointer(tail) - first, rowOffsets: packedOffsets, tiles: fullTiles..<tiles,
      grid: grid, emit: emit)
  }
  convStripSweep(
    depth: depth, packedWeights: packedWeights, panels: panels, panelCount: panelCount,
    b: planes, rowOffsets: offsets, tiles: 0..<fullTiles, grid: grid,
    prefetchNextStrip: plan.direct, emit: emit)
}
