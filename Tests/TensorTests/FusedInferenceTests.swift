import TestSupport
import Testing

@testable import Tensor

/// The inference-only shortcuts: the convolution's fused epilogue (residual sum and
/// ReLU as outputs are written) and max pooling without argmax tracking. Each must
/// give what the separate, differentiable ops give.
@Suite("Fused inference paths")
struct FusedInferenceTests {
  @Test(
    "the conv epilogue (residual, ReLU) matches the reference on every strategy",
    arguments: Conv2dTests.geometries)
  func epilogueMatchesReference(g: Conv2dGeometry) {
    let x = Conv2dTests.Buffers(g)
    let residual = kernelTestValues(x.gradOutput.count, seed: 25)
    var fast = [Float](repeating: .nan, count: x.gradOutput.count)
    var reference = fast
    residual.withUnsafeBufferPointer { residual in
      let epilogue = Conv2dEpilogue(residual: residual.baseAddress, relu: true)
      conv2dForward(
        g, input: x.input, weight: x.weight, bias: x.bias, output: &fast, epilogue: epilogue,
        pool: KernelTestPools.two)
      conv2dForwardReference(
        g, input: x.input, weight: x.weight, bias: x.bias, output: &reference,
        epilogue: epilogue)
    }
    let terms = Float(g.inChannels * g.kernelHeight * g.kernelWidth)
    let mismatch = Tolerance(absolute: 2e-6 * terms, relative: 1e-4)
      .firstMismatch(fast, reference)
    #expect(mismatch == nil, "\(g): \(mismatch!)")
    // ReLU clamped the negative sums and left some positive ones.
    if fast.count >= 16 { #expect(fast.contains(0) && fast.contains { $0 > 0 }) }
  }

  @Test("conv2d(residual:relu:) without gradients equals conv, sum and ReLU bitwise")
  func fusedEqualsSeparateOps() {
    for (size, kernel, stride) in [(9, 3, 1), (16, 1, 1), (7, 1, 2), (20, 3, 2)] {
      let padding = kernel / 2
      let x = Tensor(kernelTestValues(2 * 5 * size * size, seed: 30), shape: [2, 5, size, size])
      let weight = Tensor(
        kernelTestValues(11 * 5 * kernel * kernel, seed: 31),
        shape: [
          11, 5, kernel, kernel,
        ])
      let bias = Tensor(kernelTestValues(11, seed: 32), shape: [11])
      let plain = Tensor.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
      let residual = Tensor(kernelTestValues(plain.count, seed: 33), shape: plain.shape)
      let fused = Tensor.conv2d(
        x, weight: weight, bias: bias, stride: stride, padding: padding, residual: residual,
        relu: true)
      #expect(fused.toArray() == (plain + residual).relu().toArray(), "\(size) \(kernel)")
      let noResidual = Tensor.conv2d(
        x, weight: weight, bias: bias, stride: stride, padding: padding, residual: nil,
        relu: false)
      #expect(noResidual.toArray() == plain.toArray())
    }
  }

  @Test("conv2d(residual:relu:) records gradients when they are needed")
  func fusedKeepsGradients() {
    let x = Tensor(kernelTestValues(2 * 3 * 6 * 6, seed: 40), shape: [2, 3, 6, 6])
    let weight = Tensor(
      kernelTestValues(4 * 3 * 9, seed: 41), shape: [4, 3, 3, 3], requiresGrad: true)
    let residual = Tensor(
      kernelTestValues(2 * 4 * 6 * 6, seed: 42), shape: [2, 4, 6, 6], requiresGrad: true)
    Tensor.conv2d(x, weight: weight, padding: 1, residual: residual, relu: true).sum()
      .backward()
    let mask = Tensor.conv2d(x, weight: weight, padding: 1).toArray().enumerated().map {
      $0.element + residual.toArray()[$0.offset] > 0 ? Float(1) : 0
    }
    #expect(residual.grad?.toArray() == mask)
    #expect(weight.grad != nil)
  }

  @Test("max pooling without gradients gives the tracked values, NaN and -inf included")
  func maxPoolValues() {
    // Widths below and above 16 run the scalar tail and the vector body.
    for (h, w, kernel, stride, padding) in [
      (9, 7, 3, 2, 1), (12, 37, 3, 2, 1), (4, 70, 3, 2, 1), (3, 71, 3, 2, 1),
      (20, 33, 2, 2, 0), (5, 18, 3, 1, 1), (8, 8, 1, 1, 0),
    ] {
      var values = kernelTestValues(3 * h * w, seed: UInt64(h * w))
      values[5] = .nan
      values[h * w + 17 % (h * w)] = -.infinity
      values[2 * h * w + 3] = .nan
      values[2 * h * w + w + 40 % w] = .nan
      let input = Tensor(values, shape: [1, 3, h, w])
      let fast = input.maxPool2d(kernelSize: kernel, stride: stride, padding: padding)
      let tracked = Tensor(values, shape: [1, 3, h, w], requiresGrad: true)
        .maxPool2d(kernelSize: kernel, stride: stride, padding: padding)
      #expect(fast.shape == tracked.shape)
      let same = zip(fast.toArray(), tracked.toArray()).allSatisfy {
        $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)
      }
      #expect(same, "\(h)x\(w) k\(kernel) s\(stride) p\(padding)")
      #expect(fast.toArray().contains { $0.isNaN })
    }
  }
}

extension FusedInferenceTests {
  @Test("weights packed once give the values of the unpacked convolution, bitwise")
  func packedWeights() {
    // (3x3 at stride 1 runs Winograd on packed weights; WinogradTests covers it.)
    for (size, kernel, stride, outChannels) in [(9, 3, 2, 11), (16, 1, 1, 17), (20, 3, 2, 9)] {
      let padding = kernel / 2
      let x = Tensor(kernelTestValues(2 * 5 * size * size, seed: 50), shape: [2, 5, size, size])
      let weight = Tensor(
        kernelTestValues(outChannels * 5 * kernel * kernel, seed: 51),
        shape: [outChannels, 5, kernel, kernel])
      let bias = Tensor(kernelTestValues(outChannels, seed: 52), shape: [outChannels])
      let packed = PackedConv2dWeights(weight.storage.pointer, shape: weight.shape)
      let plain = Tensor.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
      let residual = Tensor(kernelTestValues(plain.count, seed: 53), shape: plain.shape)
      let fromPacked = Tensor.conv2d(
        x, packedWeight: packed, bias: bias, stride: stride, padding: padding,
        residual: residual, relu: true)
      #expect(fromPacked.toArray() == (plain + residual).relu().toArray(), "\(size) \(kernel)")
    }
  }
}
