// Backward convolution.
//
// Data gradient, stride 1: the transposed convolution is a forward convolution of
// gradOutput with the weights flipped in space and swapped in/out channels, padding
// kernel - 1 - padding, so it runs on the forward kernel. Other strides: per image,
// columns[C*kh*kw, OH*OW] = W^T x gradOutput (GEMM), then added back onto the image
// through phase planes (col2im, Conv2d+Col2im.swift).
//
// Weight gradient: on phase planes (Conv2dPlan), gradWeight[o, (c, ky, kx)] is the dot
// product of gradOutput row o (laid on the grid, junk columns zero) with the plane row
// of (c, ky, kx). Images are taken in order; within one, tasks own disjoint tiles of
// gradWeight, so the sum over the batch has a fixed order whatever the thread count.

/// `conv2dBackwardData`'s fast path; see the file comment.
func conv2dBackwardDataFast(
  _ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, pool: ThreadPool,
  winogradUnpacked: Bool = winogradInTraining
) {
  _ = Conv2dPlan(g)  // validates the geometry
  let (kh, kw) = (g.kernelHeight, g.kernelWidth)
  if g.strideHeight == 1 && g.strideWidth == 1 && g.paddingHeight < kh
    && g.paddingWidth < kw
  {
    let flipped = KernelScratch.floats(
      .convFlippedWeights, count: g.outChannels * g.inChannels * kh * kw)
    // Blocks of 8 input channels: each output channel's 8 * kh * kw source weights
    // are contiguous, so the strided side of this transpose is the writes, 8 streams.
    let taps = kh * kw
    pool.parallelFor((g.inChannels + 7) / 8) { block in
      let channels = (block * 8)..<min(g.inChannels, block * 8 + 8)
      for o in 0..<g.outChannels {
        for c in channels {
          let source = weight + (o * g.inChannels + c) * taps
          let target = flipped + (c * g.outChannels + o) * taps
          // (ky, kx) -> (kh-1-ky, kw-1-kx) is the reversal of the kh * kw taps.
          for t in 0..<taps { target[t] = source[taps - 1 - t] }
        }
      }
    }
    let transposed = Conv2dGeometry(
      batch: g.batch, inChannels: g.outChannels, height: g.outHeight, width: g.outWidth,
      outChannels: g.inChannels, kernelHeight: kh, kernelWidth: kw,
      paddingHeight: kh - 1 - g.paddingHeight, paddingWidth: kw - 1 - g.paddingWidth)
    assert(transposed.outHeight == g.height && transposed.outWidth == g.width)
    conv2dForwardPlanes(
      transposed, input: gradOutput, weight: flipped, bias: nil, output: gradInput, pool: pool,
      winogradUnpacked: winogradUnpacked)
    return
  }

  let depth = g.inChannels * kh * kw
  let pixels = g.outHeight * g.outWidth
  pool.parallelFor(g.batch) { n in
    let columns = KernelScratch.floats(.convColumns, count: depth * pixels)
    gemm(
      transposeA: true, transposeB: false, m: depth, n: pixels, k: g.outChannels, alpha: 1,
      a: weight, lda: depth, b: gradOutput + n * g.outChannels * pixels, ldb: pixels,
      beta: 0, c: columns, ldc: pixels, pool: pool)
    let phases = KernelScratch.floats(.convPhases, count: Col2imPhases(g).count)
    col2imPhased(
      g, columns: columns, image: gradInput + n * g.inChannels * g.height * g.width,
      phases: phases)
  }
}

/// `conv2dBackwardWeight`'s fast path; see the file comment.
func conv2dBackwardWeightPlanes(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradWeight: UnsafeMutablePointer<Float>, pool: ThreadPool
) {
  let plan = Conv2dPlan(g)
  let depth = plan.depth
  let outChannels = g.outChannels
  if g.batch == 0 {
    gradWeight.update(repeating: 0, count: outChannels * depth)
    return
  }
  // The input serves as planes and gradOutput as grid when no junk or tail exists.
  let direct = plan.direct && plan.gridCount % 16 == 0 && plan.imagesPerGroup == nil
  let outPixels = plan.outHeight * plan.outWidth
  // Planes of grids short of `convWeightStackPositions` hold several images one after
  // another ("stacked"), each tile's dot products running on through all of them.
  let planeGridStride = (plan.gridCount + 15) / 16 * 16
  let stack =
    direct || plan.imagesPerGroup != nil
    ? 1 : max(1, min(g.batch, convWeightStackPositions / planeGridStride))
  // One step per stack of images on planes, or per group of small images on im2col
  // columns.
  let imagesPerStep = plan.imagesPerGroup ?? stack
  let steps = (g.batch + imagesPerStep - 1) / imagesPerStep
  let maxImages = (g.batch + steps - 1) / steps
  let gridCount = plan.imagesPerGroup == nil ? plan.gridCount : maxImages * outPixels
  let gridStride = (gridCount + 15) / 16 * 16
  // Floats from one stacked image's planes, and grid, to the next.
  let planeStride = (plan.bufferCount + 15) / 16 * 16
  let gridImageStride = outChannels * gridStride

  let offsets = UnsafeMutableRawPointer(KernelScratch.floats(.convOffsets, count: 2 * depth))
    .bindMemory(to: Int.self, capacity: depth)
  if plan.imagesPerGroup == nil {
    plan.fillOffsets(offsets)
  } else {
    for p in 0..<depth { offsets[p] = p * gridStride }
  }
  let sourceCount = plan.imagesPerGroup == nil ? stack * planeStride : depth * gridStride
  let sourceBuffer = direct ? nil : KernelScratch.floats(.convPlanes, count: sourceCount)
  let gridBuffer =
    direct ? nil : KernelScratch.floats(.convGrid, count: maxImages * gridImageStride)

  // Tasks own a range of reduction columns and a range of output channels; inside, 8
  // column blocks (48 rows of planes) at a time meet every row block of the gradient,
  // so the planes' rows are reused from L1/L2.
  let rowBlocks = (outChannels + convWeightTileRows - 1) / convWeightTileRows
  let columnBlocks = (depth + convWeightTileColumns - 1) / convWeightTileColumns
  let (columnGroups, rowGroups) = convWeightTaskGrid(
    rowBlocks: rowBlocks, columnBlocks: columnBlocks, tasks: 4 * pool.threadCount)
  let chunk = 8

  for step in 0..<steps {
    let first = step * g.batch / steps
    let images = (step + 1) * g.batch / steps - first
    var planes = input + first * g.inChannels * g.height * g.width
    var grads = gradOutput + first * outChannels * outPixels
    var vectors = gridStride / 16
    if let sourceBuffer, let gridBuffer {
      let source = grads
      let image = planes
      if plan.imagesPerGroup != nil {
        vectors = (images * outPixels + 15) / 16
        pool.parallelFor(g.inChannels + outChannels) { item in
          if item < g.inChannels {
            plan.fillColumns(
              input: input, images: first..<(first + images), channels: item..<(item + 1),
              stride: gridStride, into: sourceBuffer)
            return
          }
          // Gradient row o with the images side by side, zero past the end.
          let o = item - g.inChannels
          let row = gridBuffer + o * gridStride
          row.update(repeating: 0, count: gridStride)
          for image in 0..<images {
            (row + image * outPixels).update(
              from: source + (image * outChannels + o) * outPixels, count: outPixels)
          }
        }
      } else {
        let items = g.inChannels + outChannels
        pool.parallelFor(images * items) { task in
          let (member, item) = task.quotientAndRemainder(dividingBy: items)
          if item < g.inChannels {
            plan.fillPlanes(
              image: image + member * g.inChannels * g.height * g.width,
              channels: item..<(item + 1), into: sourceBuffer + member * planeStride)
            if item == 0 { plan.zeroSlack(sourceBuffer + member * planeStride) }
            return
          }
          // Gradient row o on the grid: zero in junk columns and past the end.
          let o = item - g.inChannels
          let row = gridBuffer + member * gridImageStride + o * gridStride
          let from = source + (member * outChannels + o) * outPixels
          row.update(repeating: 0, count: gridStride)
          for y in 0..<plan.outHeight {
            (row + y * plan.planeWidth).update(
              from: from + y * plan.outWidth, count: plan.outWidth)
          }
        }
      }
      planes = UnsafePointer(sourceBuffer)
      grads = UnsafePointer(gridBuffer)
    }
    // Planes steps hold `images` stacked images (1 when direct); im2col steps hold
    // their images side by side in one grid row instead.
    let stacked = ConvWeightStack(
      images: plan.imagesPerGroup == nil ? images : 1,
      gradStride: gridImageStride, planeStride: planeStride)

    let accumulate = step > 0
    pool.parallelFor(columnGroups * rowGroups) { task in
      let columnGroup = task / rowGroups
      let rowGroup = task % rowGroups
      let firstColumn = columnGroup * columnBlocks / columnGroups
      let endColumn = (columnGroup + 1) * columnBlocks / columnGroups
      let rowRange = (rowGroup * rowBlocks / rowGroups)..<((rowGroup + 1) * rowBlocks / rowGroups)
      for chunkStart in stride(from: firstColumn, to: endColumn, by: chunk) {
        for rowBlock in rowRange {
          let o0 = rowBlock * convWeightTileRows
          let rows = min(convWeightTileRows, outChannels - o0)
          for columnBlock in chunkStart..<min(chunkStart + chunk, endColumn) {
            let p0 = columnBlock * convWeightTileColumns
            let columns = min(convWeightTileColumns, depth - p0)
            if rows == convWeightTileRows && columns == convWeightTileColumns {
              convWeightGradientTile(
                vectors: vectors, grads: grads + o0 * gridStride, gradStride: gridStride,
                planes: planes, offsets: offsets + p0, stack: stacked,
                out: gradWeight + o0 * depth + p0, outStride: depth, accumulate: accumulate)
              continue
            }
            if rows == convWeightTileRows {
              // Fewer than 6 reduction columns (depth 64 = 10 x 6 + 4): the full tile on
              // the last column repeated, kept where valid. Each dot product is computed
              // as in any full tile, so the values are those of the loop below, bitwise,
              // at the full tile's speed rather than one latency-bound chain at a time.
              edgeTile(
                columns: columns, vectors: vectors, grads: grads + o0 * gridStride,
                gradStride: gridStride, planes: planes, offsets: offsets + p0, stack: stacked,
                out: gradWeight + o0 * depth + p0, outStride: depth, accumulate: accumulate)
              continue
            }
            // Edge tile: one dot product at a time, same lane order as the full tile.
            for i in 0..<rows {
              for j in 0..<columns {
                var sum = ConvWeightLanes()
                let lanes = ConvWeightLanes.scalarCount
                for image in 0..<stacked.images {
                  let a = UnsafeRawPointer(
                    grads + image * stacked.gradStride + (o0 + i) * gridStride)
                  let b = UnsafeRawPointer(
                    planes + image * stacked.planeStride + offsets[p0 + j])
                  for v in 0..<(16 * vectors / lanes) {
                    sum.addProduct(
                      a.loadUnaligned(fromByteOffset: 4 * lanes * v, as: ConvWeightLanes.self),
                      b.loadUnaligned(fromByteOffset: 4 * lanes * v, as: ConvWeightLanes.self))
                  }
                }
                let target = gradWeight + (o0 + i) * depth + p0 + j
                target.pointee = accumulate ? target.pointee + laneSum(sum) : laneSum(sum)
              }
            }
          }
        }
      }
    }
  }
}

/// How the weight gradient's tiles are split into at least `tasks` tasks (where the
/// blocks allow): `columnGroups` ranges of reduction columns times `rowGroups` ranges
/// of output channels. Each task reads the gradient rows of its channels and the plane
/// rows of its columns in full, so the split that reads least, columnGroups x rows +
/// rowGroups x columns, is chosen: at 1x1 64 -> 256 on 56x56, 8 column groups read
/// the 3.2 MB gradient of every image 8 times over; 1 x 8 reads it once.
func convWeightTaskGrid(rowBlocks: Int, columnBlocks: Int, tasks: Int) -> (Int, Int) {
  var best = (columns: 1, rows: 1, cost: Int.max)
  for columnGroups in 1...min(columnBlocks, tasks) {
    let rowGroups = min(rowBlocks, (tasks + columnGroups - 1) / columnGroups)
    // Fewer tasks than asked (too few blocks) only when no split reaches the count.
    let shortfall = max(0, tasks - columnGroups * rowGroups)
    let cost = columnGroups * rowBlocks + rowGroups * columnBlocks + shortfall * Int(1 << 40)
    if cost < best.cost { best = (columnGroups, rowGroups, cost) }
  }
  return (best.columns, best.rows)
}

/// `convWeightGradientTile` for 4 rows and `columns` < 6 reduction columns: the
/// missing columns repeat the last one, and only the valid results are written.
private func edgeTile(
  columns: Int, vectors: Int, grads: UnsafePointer<Float>, gradStride: Int,
  planes: UnsafePointer<Float>, offsets: UnsafePointer<Int>, stack: ConvWeightStack,
  out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool
) {
  withUnsafeTemporaryAllocation(of: Int.self, capacity: convWeightTileColumns) { padded in
    for j in 0..<convWeightTileColumns { padded[j] = offsets[min(j, columns - 1)] }
    withUnsafeTemporaryAllocation(
      of: Float.self, capacity: convWeightTileRows * convWeightTileColumns
    ) { block in
      convWeightGradientTile(
        vectors: vectors, grads: grads, gradStride: gradStride, planes: planes,
        offsets: UnsafePointer(padded.baseAddress!), stack: stack, out: block.baseAddress!,
        outStride: convWeightTileColumns, accumulate: false)
      for i in 0..<convWeightTileRows {
        for j in 0..<columns {
          let value = block[i * convWeightTileColumns + j]
          let target = out + i * outStride + j
          target.pointee = accumulate ? target.pointee + value : value
        }
      }
    }
  }
}
