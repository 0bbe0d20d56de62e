// Winograd's minimal filtering F(2x2, 3x3) for 3x3, stride-1, padding-1 convolutions
// on weights packed beforehand (inference). Each 2x2 block of outputs of channel o is
// computed from the 4x4 input tile around it as
//   Y = A^T [ sum over c of (G g_oc G^T) .* (B^T d_c B) ] A,
// so the 36 multiplications per block and channel pair of the direct method become
// 16, done as 16 GEMMs U_k[O, C] x V_k[C, tiles], one per element k of the 4x4
// transformed tile. The transforms are additions (and halves in G), applied to 16
// tiles at a time with SIMD lanes running along a row of tiles. In Float32 the result
// differs from the direct sum by rounding only (a few ulps of the larger terms).
//
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2;
// 1/2 -1/2 1/2; 0 0 1], A^T = [1 1 1 0; 0 1 -1 -1] (Lavin and Gray, 2016).

/// Whether the Winograd path computes `g`: 3x3, stride 1, padding 1.
func winogradApplies(_ g: Conv2dGeometry) -> Bool {
  g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
    && g.paddingHeight == 1 && g.paddingWidth == 1
}

/// Input and output channels from which Winograd is used. The transformed tiles cost
/// memory traffic in proportion to C x H x W while the multiplications saved grow as
/// O x C x H x W: with 64 channels (ResNet50's first stage, 56 x 56) the traffic eats
/// the gain, from 128 on (28 x 28 down to 7 x 7) the saving wins.
let winogradMinimumChannels = 128

/// Whether packed weights run `g` through Winograd: it applies and the channel counts
/// make it pay.
func winogradPays(_ g: Conv2dGeometry) -> Bool {
  winogradApplies(g) && g.inChannels >= winogradMinimumChannels
    && g.outChannels >= winogradMinimumChannels
}

/// `u[k][o][c]` = element k of `G g G^T` for the 3x3 filter `g` of output channel o and
/// input channel c of `weight` `[O, C, 3, 3]`; `u` holds `16 * O * C` floats.
func winogradTransformWeights(
  _ weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int,
  into u: UnsafeMutablePointer<Float>
) {
  let plane = outChannels * inChannels
  for o in 0..<outChannels {
    for c in 0..<inChannels {
      let g = weight + (o * inChannels + c) * 9
      // G g (4 x 3, by columns of g), then (G g) G^T (4 x 4, by rows).
      let column0 = filterTransform(g[0], g[3], g[6])
      let column1 = filterTransform(g[1], g[4], g[7])
      let column2 = filterTransform(g[2], g[5], g[8])
      for i in 0..<4 {
        let row = filterTransform(column0[i], column1[i], column2[i])
        for j in 0..<4 { u[(4 * i + j) * plane + o * inChannels + c] = row[j] }
      }
    }
  }
}

/// `G x` for a column or row `x` of 3 filter taps.
private func filterTransform(_ x0: Float, _ x1: Float, _ x2: Float) -> SIMD4<Float> {
  SIMD4(x0, (x0 + x1 + x2) * 0.5, (x0 - x1 + x2) * 0.5, x2)
}

/// `B^T x` for 4 values (a row or column of an input tile), 16 tiles per lane set.
@inline(__always)
private func inputTransform(
  _ x: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)
) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
  (x.0 - x.2, x.1 + x.2, x.2 - x.1, x.1 - x.3)
}

/// `A^T x` for 4 values (a row or column of a transformed product), 16 tiles at once.
@inline(__always)
private func outputTransform(
  _ x0: SIMD16<Float>, _ x1: SIMD16<Float>, _ x2: SIMD16<Float>, _ x3: SIMD16<Float>
) -> (SIMD16<Float>, SIMD16<Float>) {
  (x0 + x1 + x2, x1 - x2 - x3)
}

/// The Winograd forward: `output = conv(input, weight) + bias` through `epilogue`, for
/// `g` with `winogradApplies(g)`, `u` from `winogradTransformWeights`. Images are
/// taken in groups whose transformed tiles fill about `groupFloats` floats.
func conv2dForwardWinograd(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, u: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  epilogue: Conv2dEpilogue, pool: ThreadPool, groupFloats: Int = 1 << 22
) {
  precondition(winogradApplies(g), "conv2d: Winograd F(2x2, 3x3) does not apply to \(g)")
  if g.batch == 0 { return }
  let (inChannels, outChannels) = (g.inChannels, g.outChannels)
  let tileRows = (g.height + 1) / 2
  let tileColumns = (g.width + 1) / 2
  let tilesPerImage = tileRows * tileColumns
  // Images per group: the transformed input and the 16 products (16 x C x T and
  // 16 x O x T floats) stay around 16 MiB each.
  let channels = max(inChannels, outChannels)
  let images = max(1, min(g.batch, groupFloats / (16 * channels * tilesPerImage)))
  let groups = (g.batch + images - 1) / images
  let largest = (g.batch + groups - 1) / groups
  let transformed = KernelScratch.floats(
    .convColumns, count: 16 * inChannels * largest * tilesPerImage + 16)
  let products = KernelScratch.floats(
    .convPlanes, count: 16 * outChannels * largest * tilesPerImage + 16)
  let imageInputs = inChannels * g.height * g.width
  let imageOutputs = outChannels * g.height * g.width

  for group in 0..<groups {
    let first = group * g.batch / groups
    let count = (group + 1) * g.batch / groups - first
    let tiles = count * tilesPerImage
    pool.parallelFor(count * inChannels) { task in
      let (image, c) = (task / inChannels, task % inChannels)
      winogradInputTransform(
        g, channel: input + (first + image) * imageInputs + c * g.height * g.width,
        tileRows: tileRows, tileColumns: tileColumns,
        into: transformed + c * tiles + image * tilesPerImage, stride: inChannels * tiles)
    }
    gemmBatched(
      transposeA: false, transposeB: false, m: outChannels, n: tiles, k: inChannels,
      alpha: 1, a: u, lda: inChannels, strideA: outChannels * inChannels,
      b: transformed, ldb: tiles, strideB: inChannels * tiles, beta: 0, c: products,
      ldc: tiles, strideC: outChannels * tiles, count: 16, pool: pool)
    pool.parallelFor(count * outChannels) { task in
      let (image, o) = (task / outChannels, task % outChannels)
      let offset = (first + image) * imageOutputs + o * g.height * g.width
      winogradOutputTransform(
        g, products: products + o * tiles + image * tilesPerImage,
        stride: outChannels * tiles, tileRows: tileRows, tileColumns: tileColumns,
        shift: bias?[o] ?? 0, epilogue: epilogue, output: output + offset, offset: offset)
    }
  }
}

/// `B^T d B` for every 4x4 tile of one channel `[H, W]`: element k of tile t goes to
/// `into[k * stride + t]`, tiles numbered row-major.
private func winogradInputTransform(
  _ g: Conv2dGeometry, channel: UnsafePointer<Float>, tileRows: Int, tileColumns: Int,
  into v: UnsafeMutablePointer<Float>, stride: Int
) {
  // Zero-padded copy: one row and column of padding before, enough after for the
  // tiles past an odd edge and for 32-wide loads of the last group of 16 tiles.
  let paddedWidth = 2 * tileColumns + 34
  let paddedHeight = 2 * tileRows + 2
  let padded = KernelScratch.floats(.convTile, count: paddedWidth * paddedHeight)
  padded.update(repeating: 0, count: paddedWidth * paddedHeight)
  for y in 0..<g.height {
    (padded + (y + 1) * paddedWidth + 1).update(from: channel + y * g.width, count: g.width)
  }
  for ty in 0..<tileRows {
    for tx in Swift.stride(from: 0, to: tileColumns, by: 16) {
      // Row i of 16 tiles: padded row 2ty + i, columns 2tx' + j for j < 4, as the even
      // and odd lanes of two 32-wide loads; transformed (d B) as it is read.
      func row(_ i: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        let start = UnsafeRawPointer(padded + (2 * ty + i) * paddedWidth + 2 * tx)
        let low = start.loadUnaligned(as: SIMD32<Float>.self)
        let high = start.loadUnaligned(fromByteOffset: 8, as: SIMD32<Float>.self)
        return inputTransform((low.evenHalf, low.oddHalf, high.evenHalf, high.oddHalf))
      }
      let (w0, w1, w2, w3) = (row(0), row(1), row(2), row(3))
      let first = ty * tileColumns + tx
      let lanes = min(16, tileColumns - tx)
      // B^T (d B), column by column; element (i, j) of the tile is k = 4 i + j.
      func store(_ i: Int, _ j: Int, _ value: SIMD16<Float>) {
        let target = v + (4 * i + j) * stride + first
        if lanes == 16 {
          UnsafeMutableRawPointer(target).storeBytes(of: value, as: SIMD16<Float>.self)
        } else {
          for l in 0..<lanes { target[l] = value[l] }
        }
      }
      func store(
        column j: Int, _ x: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)
      ) {
        store(0, j, x.0)
        store(1, j, x.1)
        store(2, j, x.2)
        store(3, j, x.3)
      }
      store(column: 0, inputTransform((w0.0, w1.0, w2.0, w3.0)))
      store(column: 1, inputTransform((w0.1, w1.1, w2.1, w3.1)))
      store(column: 2, inputTransform((w0.2, w1.2, w2.2, w3.2)))
      store(column: 3, inputTransform((w0.3, w1.3, w2.3, w3.3)))
    }
  }
}

/// `A^T m A` for every tile of one output channel, element k of tile t read at
/// `products[k * stride + t]`, written through the epilogue into the channel's
/// `[H, W]` outputs at `output` (`offset` floats into the whole output).
private func winogradOutputTransform(
  _ g: Conv2dGeometry, products: UnsafePointer<Float>, stride: Int, tileRows: Int,
  tileColumns: Int, shift: Float, epilogue: Conv2dEpilogue,
  output: UnsafeMutablePointer<Float>, offset: Int
) {
  withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * tileColumns + 64) { buffer in
    let rows = buffer.baseAddress!
    let rowWidth = 2 * tileColumns + 32
    for ty in 0..<tileRows {
      for tx in Swift.stride(from: 0, to: tileColumns, by: 16) {
        let first = ty * tileColumns + tx
        // The last tiles of the buffer read up to 15 floats of slack past them.
        func m(_ k: Int) -> SIMD16<Float> {
          UnsafeRawPointer(products + k * stride + first).loadUnaligned(as: SIMD16<Float>.self)
        }
        // A^T m by columns (2 x 4), then (A^T m) A by rows (2 x 2).
        let c0 = outputTransform(m(0), m(4), m(8), m(12))
        let c1 = outputTransform(m(1), m(5), m(9), m(13))
        let c2 = outputTransform(m(2), m(6), m(10), m(14))
        let c3 = outputTransform(m(3), m(7), m(11), m(15))
        let top = outputTransform(c0.0, c1.0, c2.0, c3.0)
        let bottom = outputTransform(c0.1, c1.1, c2.1, c3.1)
        // Interleave: tile l's two columns are outputs 2 (tx + l) and 2 (tx + l) + 1.
        func interleave(_ i: Int, _ y: (SIMD16<Float>, SIMD16<Float>)) {
          let row = rows + i * rowWidth + 2 * tx
          for l in 0..<16 {
            row[2 * l] = y.0[l]
            row[2 * l + 1] = y.1[l]
          }
        }
        interleave(0, top)
        interleave(1, bottom)
      }
      for i in 0..<2 where 2 * ty + i < g.height {
        let rowOffset = (2 * ty + i) * g.width
        epilogue.apply(
          rows + i * rowWidth, to: output + rowOffset, count: g.width, shift: shift,
          offset: offset + rowOffset)
      }
    }
  }
}
