// Forward convolution on phase planes (Conv2dPlan): per image,
// output[O, grid] = W[O, C*kh*kw] x planes-as-im2col[C*kh*kw, grid], with the weights
// packed once per call into 8-row micro-panels and the 8 x 48 GEMM register tile
// reading the planes in place. Tasks are (image, group of 8-channel panels), so each
// output element is computed by one task with the reduction in a fixed order.

/// Reduction rows per pass over a tile: the tile's B rows (4 cache lines each, 24 KiB)
/// are reused from L1/L2 by every panel. 96 measured level with one unblocked pass at
/// 3x3 64 @ 56 and 1x1 256 -> 64 @ 56 (1 thread, CPU clock: 89-97 and 67-75 GFLOPS).
let convDepthBlock = 96

/// `conv2dForward`'s fast path; see the file comment.
func conv2dForwardPlanes(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, pool: ThreadPool
) {
  let plan = Conv2dPlan(g)
  if g.batch == 0 { return }
  let depth = plan.depth
  let panels = (g.outChannels + gemmTileRows - 1) / gemmTileRows

  // Shared read-only state, in the calling thread's scratch: packed weights (zero
  // rows past outChannels) and the plane offset of every reduction step.
  let packedWeights = KernelScratch.floats(.convWeights, count: panels * gemmTileRows * depth)
  let offsets = UnsafeMutableRawPointer(
    KernelScratch.floats(.convOffsets, count: 4 * depth)
  ).bindMemory(to: Int.self, capacity: 2 * depth)
  plan.fillOffsets(offsets)
  // Offsets of a copied tile: row p is 48 p floats in.
  let packedOffsets = offsets + depth
  for p in 0..<depth { packedOffsets[p] = p * gemmTileColumns }
  pool.parallelFor(panels) { panel in
    packConvWeights(weight, rows: g.outChannels, depth: depth, panel: panel, into: packedWeights)
  }

  if let images = plan.imagesPerGroup {
    conv2dForwardGrouped(
      plan, imagesPerGroup: images, input: input, packedWeights: packedWeights,
      panels: panels, bias: bias, output: output, pool: pool)
    return
  }

  // Enough tasks to occupy every thread even for a batch of one.
  let groups = min(panels, max(1, (2 * pool.threadCount + g.batch - 1) / g.batch))
  pool.parallelFor(g.batch * groups) { task in
    let n = task / groups
    let group = task % groups
    let panelRange = (group * panels / groups)..<((group + 1) * panels / groups)
    conv2dForwardImage(
      plan, image: input + n * g.inChannels * g.height * g.width,
      packedWeights: packedWeights, offsets: offsets, packedOffsets: packedOffsets,
      panels: panelRange, bias: bias,
      output: output + n * g.outChannels * plan.outHeight * plan.outWidth)
  }
}

/// Small images: im2col of a group of images side by side (`columns[C*kh*kw, images *
/// OH*OW]`, per task), then the same tiles over it, so no tile is mostly junk.
private func conv2dForwardGrouped(
  _ plan: Conv2dPlan, imagesPerGroup: Int, input: UnsafePointer<Float>,
  packedWeights: UnsafePointer<Float>, panels: Int, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, pool: ThreadPool
) {
  let g = plan.geometry
  let depth = plan.depth
  let pixels = plan.outHeight * plan.outWidth
  let groupCount = (g.batch + imagesPerGroup - 1) / imagesPerGroup
  let panelGroups = min(panels, max(1, (4 * pool.threadCount + groupCount - 1) / groupCount))
  pool.parallelFor(groupCount * panelGroups) { task in
    let group = task / panelGroups
    let panelGroup = task % panelGroups
    let panelRange = (panelGroup * panels / panelGroups)..<((panelGroup + 1) * panels / panelGroups)
    let first = group * g.batch / groupCount
    let images = (group + 1) * g.batch / groupCount - first
    let count = images * pixels
    let tiles = (count + gemmTileColumns - 1) / gemmTileColumns
    let stride = tiles * gemmTileColumns
    let columns = KernelScratch.floats(.convColumns, count: depth * stride)
    plan.fillColumns(
      input: input, images: first..<(first + images), channels: 0..<g.inChannels,
      stride: stride, into: columns)
    let rowOffsets = UnsafeMutableRawPointer(
      KernelScratch.floats(.convTile, count: 2 * depth)
    ).bindMemory(to: Int.self, capacity: depth)
    for p in 0..<depth { rowOffsets[p] = p * stride }
    let grid = KernelScratch.floats(.convGrid, count: panelRange.count * gemmTileRows * stride)
    convTileSweep(
      depth: depth, packedWeights: packedWeights, panels: panelRange, b: columns,
      rowOffsets: rowOffsets, tiles: 0..<tiles, grid: grid, gridStride: stride)
    for (index, panel) in panelRange.enumerated() {
      for i in 0..<gemmTileRows {
        let o = panel * gemmTileRows + i
        if o >= g.outChannels { break }
        let source = grid + (index * gemmTileRows + i) * stride
        let shift = bias?[o] ?? 0
        for image in 0..<images {
          let from = source + image * pixels
          let to = output + ((first + image) * g.outChannels + o) * pixels
          for x in 0..<pixels { to[x] = from[x] + shift }
        }
      }
    }
  }
}

/// `grid[panels, tiles]` = packed weights x B, B row p at `b + rowOffsets[p]`, one
/// 8 x 48 tile at a time, walking the reduction in blocks of `convDepthBlock` so a
/// tile's B rows are reused from L1/L2 by every panel.
func convTileSweep(
  depth: Int, packedWeights: UnsafePointer<Float>, panels: Range<Int>,
  b: UnsafePointer<Float>, rowOffsets: UnsafePointer<Int>, tiles: Range<Int>,
  grid: UnsafeMutablePointer<Float>, gridStride: Int
) {
  for tile in tiles {
    let first = tile * gemmTileColumns
    for depthStart in stride(from: 0, to: depth, by: convDepthBlock) {
      let blockDepth = min(convDepthBlock, depth - depthStart)
      for (index, panel) in panels.enumerated() {
        gemmMicroKernel(
          depth: blockDepth,
          a: packedWeights + panel * gemmTileRows * depth + depthStart * gemmTileRows,
          b: b + first, rowOffsets: rowOffsets + depthStart,
          tile: grid + index * gemmTileRows * gridStride + first, tileStride: gridStride,
          accumulate: depthStart > 0)
      }
    }
  }
}

/// Packs rows `8 * panel ..< 8 * panel + 8` of the `[rows, depth]` weight matrix as
/// `depth` groups of 8 values, zero past the last row.
private func packConvWeights(
  _ weight: UnsafePointer<Float>, rows: Int, depth: Int, panel: Int,
  into packed: UnsafeMutablePointer<Float>
) {
  let target = packed + panel * gemmTileRows * depth
  for i in 0..<gemmTileRows {
    let row = panel * gemmTileRows + i
    if row < rows {
      let source = weight + row * depth
      for p in 0..<depth { target[p * gemmTileRows + i] = source[p] }
    } else {
      for p in 0..<depth { target[p * gemmTileRows + i] = 0 }
    }
  }
}

/// One image, output channels of `panels`: planes, tiles of the grid, then the valid
/// grid columns (plus bias) into the NCHW output.
private func conv2dForwardImage(
  _ plan: Conv2dPlan, image: UnsafePointer<Float>, packedWeights: UnsafePointer<Float>,
  offsets: UnsafePointer<Int>, packedOffsets: UnsafePointer<Int>, panels: Range<Int>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
) {
  let g = plan.geometry
  let depth = plan.depth
  let tiles = (plan.gridCount + gemmTileColumns - 1) / gemmTileColumns
  let gridStride = tiles * gemmTileColumns

  var planes = image
  if !plan.direct {
    let buffer = KernelScratch.floats(.convPlanes, count: plan.bufferCount)
    plan.fillPlanes(image: image, channels: 0..<g.inChannels, into: buffer)
    plan.zeroSlack(buffer)
    planes = UnsafePointer(buffer)
  }
  let grid = KernelScratch.floats(.convGrid, count: panels.count * gemmTileRows * gridStride)

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
    convTileSweep(
      depth: depth, packedWeights: packedWeights, panels: panels, b: tail,
      rowOffsets: packedOffsets, tiles: 0..<1, grid: grid + first, gridStride: gridStride)
  }
  convTileSweep(
    depth: depth, packedWeights: packedWeights, panels: panels, b: planes,
    rowOffsets: offsets, tiles: 0..<fullTiles, grid: grid, gridStride: gridStride)

  // Valid grid columns to the output, adding the bias.
  for (index, panel) in panels.enumerated() {
    for i in 0..<gemmTileRows {
      let o = panel * gemmTileRows + i
      if o >= g.outChannels { break }
      let source = grid + (index * gemmTileRows + i) * gridStride
      let target = output + o * plan.outHeight * plan.outWidth
      let shift = bias?[o] ?? 0
      for y in 0..<plan.outHeight {
        let from = source + y * plan.planeWidth
        let to = target + y * plan.outWidth
        for x in 0..<plan.outWidth { to[x] = from[x] + shift }
      }
    }
  }
}
