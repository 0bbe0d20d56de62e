import TestSupport
import Testing

@testable import Tensor

/// Winograd F(4x4, 3x3), the inference path of 3x3 stride-1 convolutions on packed
/// weights, against the plain definition of convolution.
@Suite("Winograd F(4x4, 3x3)")
struct WinogradTests {
  /// Sizes that are and are not multiples of the 4x4 output block (partial tiles at the
  /// bottom and right edges), rows of more than 16 tiles (the vector body and a partial
  /// group), channel counts off the panel height and the reduction block, a batch of
  /// several images.
  static let geometries: [Conv2dGeometry] = [
    (1, 1, 1, 1, 1), (2, 3, 7, 7, 5), (3, 5, 6, 9, 4), (1, 4, 14, 14, 9), (2, 7, 11, 67, 3),
    (1, 17, 28, 28, 10), (2, 2, 5, 70, 3), (2, 100, 8, 8, 12), (1, 3, 130, 9, 2),
  ].map { (batch, c, h, w, o) in
    Conv2dGeometry(
      batch: batch, inChannels: c, height: h, width: w, outChannels: o, kernelHeight: 3,
      kernelWidth: 3, paddingHeight: 1, paddingWidth: 1)
  }

  static func outputs(
    _ g: Conv2dGeometry, groupFloats: Int = 1 << 22, pool: ThreadPool = KernelTestPools.two
  ) -> (winograd: [Float], reference: [Float]) {
    let x = Conv2dTests.Buffers(g)
    let residual = kernelTestValues(x.gradOutput.count, seed: 60)
    var u = [Float](
      repeating: 0, count: winogradPackedCount(outChannels: g.outChannels, inChannels: g.inChannels)
    )
    winogradTransformWeights(
      x.weight, outChannels: g.outChannels, inChannels: g.inChannels, into: &u, pool: pool)
    var winograd = [Float](repeating: .nan, count: x.gradOutput.count)
    var reference = winograd
    residual.withUnsafeBufferPointer { residual in
      let epilogue = Conv2dEpilogue(residual: residual.baseAddress, relu: true)
      conv2dForwardWinograd(
        g, input: x.input, u: u, bias: x.bias, output: &winograd, epilogue: epilogue,
        pool: pool, groupFloats: groupFloats)
      conv2dForwardReference(
        g, input: x.input, weight: x.weight, bias: x.bias, output: &reference,
        epilogue: epilogue)
    }
    return (winograd, reference)
  }

  @Test(
    "matches the direct convolution (bias, residual, ReLU) up to rounding", arguments: geometries)
  func matchesReference(g: Conv2dGeometry) {
    let (winograd, reference) = Self.outputs(g)
    // The transforms scale and cancel terms: more rounding than the direct sum of 9 C
    // products of values in [-1, 1]. Measured worst errors were 2e-7 to 5e-7 per term
    // (2.1e-4 at C = 100), an order of magnitude inside this bound.
    let terms = Float(9 * g.inChannels)
    let mismatch = Tolerance(absolute: 4e-6 * terms, relative: 1e-4)
      .firstMismatch(winograd, reference)
    #expect(mismatch == nil, "\(g): \(mismatch!)")
  }

  @Test("images in several groups and on 1 or 3 threads give the same values bitwise")
  func groupsAndThreads() {
    let g = Self.geometries[4]
    let whole = Self.outputs(g).winograd
    let grouped = Self.outputs(g, groupFloats: 1).winograd  // one image per group
    let one = Self.outputs(g, pool: KernelTestPools.one).winograd
    let three = Self.outputs(g, pool: KernelTestPools.three).winograd
    #expect(whole == grouped && whole == one && whole == three)
  }

  @Test("packed 3x3 weights take the Winograd path only at stride 1, padding 1")
  func dispatch() throws {
    let g = Conv2dGeometry(
      batch: 1, inChannels: 128, height: 6, width: 5, outChannels: 130, kernelHeight: 3,
      kernelWidth: 3, paddingHeight: 1, paddingWidth: 1)
    let x = Conv2dTests.Buffers(g)
    let packed = PackedConv2dWeights(
      x.weight, shape: [g.outChannels, g.inChannels, 3, 3], pool: KernelTestPools.two)
    let u = try #require(packed.winograd)
    var fromPacked = [Float](repeating: .nan, count: x.gradOutput.count)
    conv2dForward(
      g, input: x.input, packedWeights: packed, bias: x.bias, output: &fromPacked,
      pool: KernelTestPools.two)
    var winograd = [Float](repeating: .nan, count: x.gradOutput.count)
    conv2dForwardWinograd(
      g, input: x.input, u: u, bias: x.bias, output: &winograd, epilogue: .none,
      pool: KernelTestPools.two)
    #expect(fromPacked == winograd)

    var strided = g
    strided.strideHeight = 2
    strided.strideWidth = 2
    var packedStrided = [Float](
      repeating: .nan, count: g.batch * g.outChannels * strided.outHeight * strided.outWidth)
    var plainStrided = packedStrided
    conv2dForward(
      strided, input: x.input, packedWeights: packed, bias: x.bias, output: &packedStrided,
      pool: KernelTestPools.two)
    conv2dForward(
      strided, input: x.input, weight: x.weight, bias: x.bias, output: &plainStrided,
      pool: KernelTestPools.two)
    #expect(packedStrided == plainStrided)

    // Below 64 channels the transform does not pay: no Winograd weights, direct path.
    let small = Self.geometries[3]
    let y = Conv2dTests.Buffers(small)
    let smallPacked = PackedConv2dWeights(
      y.weight, shape: [small.outChannels, small.inChannels, 3, 3], pool: KernelTestPools.two)
    #expect(smallPacked.winograd == nil)
  }

  @Test("training's opt-in: 128 to 256 channels, forward and backward-data through Winograd")
  func unpackedWeights() {
    // 136 output channels (off the panel height), 9x7 images (partial tiles), 2 images.
    let g = Conv2dGeometry(
      batch: 2, inChannels: 128, height: 9, width: 7, outChannels: 136, kernelHeight: 3,
      kernelWidth: 3, paddingHeight: 1, paddingWidth: 1)
    #expect(winogradPaysUnpacked(g))
    let x = Conv2dTests.Buffers(g)
    let pool = KernelTestPools.two
    var forward = [Float](repeating: .nan, count: x.gradOutput.count)
    var gradInput = [Float](repeating: .nan, count: x.input.count)
    conv2dForwardPlanes(
      g, input: x.input, weight: x.weight, bias: x.bias, output: &forward, pool: pool,
      winogradUnpacked: true)
    conv2dBackwardDataFast(
      g, gradOutput: x.gradOutput, weight: x.weight, gradInput: &gradInput, pool: pool,
      winogradUnpacked: true)
    let fast = [forward, gradInput]
    let reference = Conv2dTests.run(g, fast: false)
    for (name, index, terms) in [
      ("forward", 0, 9 * g.inChannels), ("backwardData", 1, 9 * g.outChannels),
    ] {
      let mismatch = Tolerance(absolute: 4e-6 * Float(terms), relative: 1e-4)
        .firstMismatch(fast[index], reference[index])
      #expect(mismatch == nil, "\(name): \(mismatch!)")
    }
    // The forward is the Winograd kernel's output on freshly transformed weights, bitwise;
    // without the opt-in it is the direct kernel's.
    var u = [Float](
      repeating: 0, count: winogradPackedCount(outChannels: g.outChannels, inChannels: g.inChannels)
    )
    winogradTransformWeights(
      x.weight, outChannels: g.outChannels, inChannels: g.inChannels, into: &u,
      pool: KernelTestPools.two)
    var winograd = [Float](repeating: .nan, count: x.gradOutput.count)
    conv2dForwardWinograd(
      g, input: x.input, u: u, bias: x.bias, output: &winograd, epilogue: .none,
      pool: KernelTestPools.two)
    #expect(fast[0] == winograd)
    var direct = [Float](repeating: .nan, count: x.gradOutput.count)
    conv2dForwardPlanes(
      g, input: x.input, weight: x.weight, bias: x.bias, output: &direct, pool: pool,
      winogradUnpacked: false)
    #expect(direct != winograd)
    // Outside 128...256 channels, or strided, the direct kernels run.
    var narrow = g
    narrow.inChannels = 64
    var wide = g
    wide.outChannels = 512
    var strided = g
    strided.strideHeight = 2
    #expect(!winogradPaysUnpacked(narrow) && !winogradPaysUnpacked(wide))
    #expect(!winogradPaysUnpacked(strided))
  }
}
