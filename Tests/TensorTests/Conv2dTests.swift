import TestSupport
import Testing

@testable import Tensor

@Suite("conv2d kernels against their references")
struct Conv2dTests {
  static func geometry(
    _ batch: Int, _ c: Int, _ h: Int, _ w: Int, _ o: Int, kernel: (Int, Int),
    stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)
  ) -> Conv2dGeometry {
    Conv2dGeometry(
      batch: batch, inChannels: c, height: h, width: w, outChannels: o,
      kernelHeight: kernel.0, kernelWidth: kernel.1, strideHeight: stride.0,
      strideWidth: stride.1, paddingHeight: padding.0, paddingWidth: padding.1)
  }

  /// Shapes off the 8 x 48 and 4 x 6 tiles: odd channel counts, batches 1..3, kernels
  /// 1/3/7 (and 3 x 1), strides 1/2, paddings 0/1/3, images too small for a tile, a
  /// 1x1 read in place with and without a partial last tile, a 1x1 grouped because
  /// its tiles would be a quarter junk, reductions over 256.
  static let geometries: [Conv2dGeometry] = [
    geometry(1, 3, 7, 5, 5, kernel: (3, 3), padding: (1, 1)),
    geometry(3, 2, 9, 11, 9, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
    geometry(2, 5, 6, 6, 17, kernel: (1, 1)),
    geometry(2, 7, 4, 4, 9, kernel: (1, 1)),
    geometry(3, 6, 10, 11, 9, kernel: (1, 1)),
    geometry(2, 4, 7, 7, 3, kernel: (1, 1), stride: (2, 2)),
    geometry(1, 3, 13, 12, 4, kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
    geometry(2, 3, 5, 5, 2, kernel: (3, 3)),
    geometry(1, 2, 4, 5, 3, kernel: (3, 1), padding: (1, 0)),
    geometry(1, 3, 5, 4, 2, kernel: (1, 1), padding: (1, 1)),
    geometry(1, 30, 6, 6, 10, kernel: (3, 3), padding: (1, 1)),
    geometry(3, 11, 9, 10, 13, kernel: (3, 3), stride: (2, 1), padding: (1, 1)),
    geometry(1, 1, 1, 1, 1, kernel: (1, 1)),
    // Same-width stride 1 on grouped im2col: shifts of 2 across row edges, a kernel
    // wider than the image, a padding of 1 on a 5-wide 5x5 kernel (output narrower).
    geometry(3, 3, 6, 5, 4, kernel: (5, 5), padding: (2, 2)),
    geometry(2, 2, 3, 2, 3, kernel: (3, 5), padding: (1, 2)),
    geometry(2, 2, 6, 6, 3, kernel: (5, 5), padding: (1, 1)),
    // Large enough for phase planes rather than grouped im2col (see `planeGeometries`).
    geometry(1, 2, 20, 22, 3, kernel: (3, 3), padding: (1, 1)),
    geometry(3, 3, 30, 29, 5, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
    geometry(1, 2, 40, 38, 3, kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
    geometry(2, 5, 15, 15, 9, kernel: (1, 1)),
    geometry(1, 7, 16, 12, 9, kernel: (1, 1)),
    geometry(2, 20, 12, 16, 11, kernel: (3, 3), padding: (1, 1)),
  ]

  /// The entries of `geometries` that run on phase planes; the others group images.
  static let planeGeometries = Array(geometries.suffix(6))

  @Test("both strategies are exercised: planes for large images, im2col groups for small")
  func strategies() {
    for g in Self.planeGeometries { #expect(Conv2dPlan(g).imagesPerGroup == nil, "\(g)") }
    for g in [0, 1, 4, 12, 13, 14, 15].map({ Self.geometries[$0] }) {
      #expect(Conv2dPlan(g).imagesPerGroup != nil, "\(g)")
    }
  }

  struct Buffers {
    var input: [Float]
    var weight: [Float]
    var bias: [Float]
    var gradOutput: [Float]

    init(_ g: Conv2dGeometry) {
      input = kernelTestValues(g.batch * g.inChannels * g.height * g.width, seed: 21)
      weight = kernelTestValues(
        g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth, seed: 22)
      bias = kernelTestValues(g.outChannels, seed: 23)
      gradOutput = kernelTestValues(g.batch * g.outChannels * g.outHeight * g.outWidth, seed: 24)
    }
  }

  /// Forward, backward-data and backward-weight results, fast or reference; outputs
  /// start as NaN so anything left unwritten shows.
  static func run(_ g: Conv2dGeometry, fast: Bool, pool: ThreadPool = KernelTestPools.two)
    -> [[Float]]
  {
    let x = Buffers(g)
    var output = [Float](repeating: .nan, count: x.gradOutput.count)
    var gradInput = [Float](repeating: .nan, count: x.input.count)
    var gradWeight = [Float](repeating: .nan, count: x.weight.count)
    if fast {
      conv2dForward(
        g, input: x.input, weight: x.weight, bias: x.bias, output: &output, pool: pool)
      conv2dBackwardData(
        g, gradOutput: x.gradOutput, weight: x.weight, gradInput: &gradInput, pool: pool)
      conv2dBackwardWeight(
        g, input: x.input, gradOutput: x.gradOutput, gradWeight: &gradWeight, pool: pool)
    } else {
      conv2dForwardReference(g, input: x.input, weight: x.weight, bias: x.bias, output: &output)
      conv2dBackwardDataReference(
        g, gradOutput: x.gradOutput, weight: x.weight, gradInput: &gradInput)
      conv2dBackwardWeightReference(
        g, input: x.input, gradOutput: x.gradOutput, gradWeight: &gradWeight)
    }
    return [output, gradInput, gradWeight]
  }

  @Test("forward, backward-data and backward-weight match the references", arguments: geometries)
  func matchesReference(g: Conv2dGeometry) {
    let fast = Self.run(g, fast: true)
    let reference = Self.run(g, fast: false)
    // Reductions of up to C*kh*kw (or N*OH*OW) products of values in [-1, 1].
    let terms = Float(
      max(
        g.inChannels * g.kernelHeight * g.kernelWidth,
        g.batch * g.outHeight * g.outWidth, g.outChannels * g.kernelHeight * g.kernelWidth))
    let tolerance = Tolerance(absolute: 2e-6 * terms, relative: 1e-4)
    for (name, index) in [("forward", 0), ("backwardData", 1), ("backwardWeight", 2)] {
      let mismatch = tolerance.firstMismatch(fast[index], reference[index])
      #expect(mismatch == nil, "\(name) \(g): \(mismatch!)")
    }
  }

  @Test("gives bitwise the same results on 1, 2 and 3 threads")
  func threadCountIndependent() {
    for g in [1, 4, 11, 17, 21].map({ Self.geometries[$0] }) {
      let one = Self.run(g, fast: true, pool: KernelTestPools.one)
      let two = Self.run(g, fast: true, pool: KernelTestPools.two)
      let three = Self.run(g, fast: true, pool: KernelTestPools.three)
      #expect(one == two && two == three, "\(g)")
    }
  }

  @Test("a hand-computed 3x3 convolution with padding and bias")
  func handComputed() {
    // One 3x3 image of 1..9, all-ones 3x3 kernel, padding 1, bias 0.5: each output is
    // the sum of the pixel's neighbourhood plus 0.5; the centre sums all of 1..9.
    let g = Self.geometry(1, 1, 3, 3, 1, kernel: (3, 3), padding: (1, 1))
    var output = [Float](repeating: .nan, count: 9)
    conv2dForward(
      g, input: (1...9).map(Float.init), weight: [Float](repeating: 1, count: 9), bias: [0.5],
      output: &output)
    #expect(output == [12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5])
  }

  @Test("weight gradient: tiles short of 6 reduction columns give the per-lane sums, bitwise")
  func weightGradientEdgeColumns() {
    // 1x1 on 12x12 images: the input and gradOutput serve as planes and grid directly.
    // 10 input channels are one full tile of 6 reduction columns and an edge of 4.
    let g = Self.geometry(3, 10, 12, 12, 8, kernel: (1, 1))
    let x = Buffers(g)
    var gradWeight = [Float](repeating: .nan, count: x.weight.count)
    conv2dBackwardWeight(
      g, input: x.input, gradOutput: x.gradOutput, gradWeight: &gradWeight,
      pool: KernelTestPools.two)
    // Every dot product as the tile computes it: lane-wise multiply-adds over the image,
    // the lanes summed, then image after image.
    let pixels = 144
    var expected = [Float](repeating: 0, count: x.weight.count)
    for o in 0..<8 {
      for c in 0..<10 {
        for n in 0..<3 {
          // The build's lane count: 16 with AVX-512, else 8 (Conv2d+WeightTile.swift).
          var sum = ConvWeightLanes()
          let lanes = ConvWeightLanes.scalarCount
          for v in 0..<(pixels / lanes) {
            let a = (n * 8 + o) * pixels + lanes * v
            let b = (n * 10 + c) * pixels + lanes * v
            sum.addProduct(
              ConvWeightLanes(x.gradOutput[a..<(a + lanes)]),
              ConvWeightLanes(x.input[b..<(b + lanes)]))
          }
          expected[o * 10 + c] = n == 0 ? laneSum(sum) : expected[o * 10 + c] + laneSum(sum)
        }
      }
    }
    #expect(gradWeight == expected)
  }

  @Test("col2im through phase planes gives bitwise the naive scatter's result")
  func col2imPhasedMatchesTwin() {
    // Strides 2 and 3, paddings 0..3, odd sizes, a 1x1 stride 2 that touches one phase
    // only, padding beyond the kernel, and the stem's 7x7 stride 2 on a small image.
    let shapes = [
      Self.geometry(2, 3, 9, 11, 4, kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
      Self.geometry(1, 2, 7, 7, 3, kernel: (1, 1), stride: (2, 2)),
      Self.geometry(1, 3, 13, 12, 2, kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
      Self.geometry(1, 2, 10, 8, 2, kernel: (3, 2), stride: (3, 2), padding: (2, 1)),
      Self.geometry(1, 1, 5, 6, 1, kernel: (1, 1), stride: (2, 3), padding: (2, 2)),
    ]
    for g in shapes {
      let rows = g.inChannels * g.kernelHeight * g.kernelWidth
      let columns = kernelTestValues(rows * g.outHeight * g.outWidth, seed: 31)
      let imageCount = g.inChannels * g.height * g.width
      var naive = [Float](repeating: .nan, count: imageCount)
      var phased = [Float](repeating: .nan, count: imageCount)
      var phases = [Float](repeating: .nan, count: Col2imPhases(g).count)
      col2imReference(g, columns: columns, image: &naive)
      col2imPhased(g, columns: columns, image: &phased, phases: &phases)
      #expect(phased == naive, "\(g)")
    }
  }

  @Test("the weight gradient's task split reads the least of gradient and planes")
  func weightTaskGrid() {
    // 1x1 64 -> 256: 64 row blocks, 11 column blocks. Column groups re-read all
    // gradient rows each, so one column group and 8 row groups read least (64 + 88).
    #expect(convWeightTaskGrid(rowBlocks: 64, columnBlocks: 11, tasks: 8) == (1, 8))
    // 1x1 256 -> 64: 16 x 43 blocks; 4 x 2 reads 64 + 86, fewer than 8 x 1 (128 + 43).
    #expect(convWeightTaskGrid(rowBlocks: 16, columnBlocks: 43, tasks: 8) == (4, 2))
    // Too few blocks for the task count: every block its own task.
    #expect(convWeightTaskGrid(rowBlocks: 1, columnBlocks: 3, tasks: 8) == (3, 1))
    #expect(convWeightTaskGrid(rowBlocks: 1, columnBlocks: 1, tasks: 8) == (1, 1))
  }
}
