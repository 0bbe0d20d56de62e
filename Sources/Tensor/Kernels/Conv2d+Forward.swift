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

  for tile in 0..<tiles {
    let first = tile * gemmTileColumns
    var b = planes + first
    var rowOffsets = offsets
    if plan.direct && first + gemmTileColumns > plan.gridCount {
      // The image is read in place: copy the last, partial tile so reads stay inside.
      let valid = plan.gridCount - first
      let tail = KernelScratch.floats(.convTile, count: depth * gemmTileColumns)
      for p in 0..<depth {
        (tail + p * gemmTileColumns).update(from: planes + offsets[p] + first, count: valid)
        (tail + p * gemmTileColumns + valid).update(
          repeating: 0, count: gemmTileColumns - valid)
      }
      b = UnsafePointer(tail)
      rowOffsets = packedOffsets
    }
    // Depth blocks small enough that the tile's B rows (4 cache lines each) stay in
    // L1 across all panels.
    for depthStart in stride(from: 0, to: depth, by: convDepthBlock) {
      let blockDepth = min(convDepthBlock, depth - depthStart)
      for (index, panel) in panels.enumerated() {
        gemmMicroKernel(
          depth: blockDepth,
          a: packedWeights + panel * gemmTileRows * depth + depthStart * gemmTileRows, b: b,
          rowOffsets: rowOffsets + depthStart,
          tile: grid + index * gemmTileRows * gridStride + first, tileStride: gridStride,
          accumulate: depthStart > 0)
      }
    }
  }

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
