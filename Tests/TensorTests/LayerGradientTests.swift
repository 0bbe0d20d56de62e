import Tensor
import TestSupport
import Testing

/// Finite-difference gradient checks of the layer ops (see GradientCheck for the method
/// and tolerances).
@Suite("Layer gradients")
struct LayerGradientTests {
  let check = GradientCheck()

  @Test("conv2d with and without bias, stride 1 and 2")
  func conv() {
    let x = testTensor([2, 3, 6, 5], seed: 21)
    let w = testTensor([4, 3, 3, 3], seed: 22)
    let b = testTensor([4], seed: 23)
    #expect(
      check.mismatches([x, w, b]) { t in
        Tensor.conv2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1)
      } == [])
    #expect(check.mismatches([x, w]) { t in Tensor.conv2d(t[0], weight: t[1]) } == [])
  }

  @Test("maxPool2d on distinct values, adaptiveAvgPool2d")
  func pooling() {
    // A permutation of well-separated values: no ties, no near-ties within a step.
    var generator = RandomGenerator(seed: 5)
    let values = generator.permutation(2 * 2 * 7 * 7).map { Float($0) * 0.1 }
    let x = Tensor(values, shape: [2, 2, 7, 7], requiresGrad: true)
    #expect(
      check.mismatches([x]) { t in t[0].maxPool2d(kernelSize: 3, stride: 2, padding: 1) } == [])
    let y = testTensor([2, 3, 5, 7], seed: 24)
    #expect(check.mismatches([y]) { t in t[0].adaptiveAvgPool2d() } == [])
    #expect(
      check.mismatches([y]) { t in t[0].adaptiveAvgPool2d(outputHeight: 2, outputWidth: 3) } == [])
  }

  @Test("batchNorm2d in training and evaluation")
  func batchNorm() {
    let x = testTensor([3, 2, 4, 3], seed: 25, scale: 2)
    let w = testTensor([2], seed: 26)
    let b = testTensor([2], seed: 27)
    #expect(
      check.mismatches([x, w, b]) { t in
        Tensor.batchNorm2d(
          t[0], weight: t[1], bias: t[2], runningMean: nil, runningVar: nil, training: true)
      } == [])
    let mean = Tensor([0.2, -0.1], shape: [2])
    let variance = Tensor([1.5, 0.7], shape: [2])
    #expect(
      check.mismatches([x, w, b]) { t in
        Tensor.batchNorm2d(
          t[0], weight: t[1], bias: t[2], runningMean: mean, runningVar: variance,
          training: false)
      } == [])
  }

  @Test("layerNorm, l2Normalized, clamped")
  func normalization() {
    let x = testTensor([3, 8], seed: 28, scale: 2)
    let w = testTensor([8], seed: 29)
    let b = testTensor([8], seed: 30)
    #expect(
      check.mismatches([x, w, b]) { t in Tensor.layerNorm(t[0], weight: t[1], bias: t[2]) } == [])
    #expect(check.mismatches([x]) { t in Tensor.layerNorm(t[0], weight: nil, bias: nil) } == [])
    #expect(check.mismatches([x]) { t in t[0].l2Normalized(axis: 1) } == [])
    #expect(check.mismatches([x]) { t in t[0].l2Normalized(axis: 0) } == [])
  }

  @Test("softmax, logSoftmax, crossEntropy (soft targets, labels, per sample)")
  func softmax() {
    let x = testTensor([3, 4, 5], seed: 31, scale: 2)
    #expect(check.mismatches([x]) { t in t[0].softmax(axis: -1) } == [])
    #expect(check.mismatches([x]) { t in t[0].logSoftmax(axis: 1) } == [])
    let logits = testTensor([4, 3], seed: 32, scale: 2)
    let targets = Tensor.withoutGradient { testTensor([4, 3], seed: 33).softmax(axis: 1) }
    #expect(check.mismatches([logits]) { t in Tensor.crossEntropy(t[0], targets: targets) } == [])
    #expect(
      check.mismatches([logits]) { t in
        Tensor.crossEntropy(t[0].softmax(axis: 1), labels: [0, 2, 1, 1], reduction: .none)
      } == [])
  }

  @Test("scaled dot-product attention")
  func attention() {
    let q = testTensor([2, 2, 4, 3], seed: 34)
    let k = testTensor([2, 2, 5, 3], seed: 35)
    let v = testTensor([2, 2, 5, 2], seed: 36)
    #expect(
      check.mismatches([q, k, v]) { t in
        Tensor.scaledDotProductAttention(query: t[0], key: t[1], value: t[2])
      } == [])
  }

  @Test("dropout: identity at p = 0 or in evaluation, fixed mask otherwise")
  func dropout() {
    let x = testTensor([4, 8], seed: 37)
    var generator = RandomGenerator(seed: 1)
    #expect(x.dropout(p: 0, training: true, generator: &generator) === x)
    #expect(x.dropout(p: 0.5, training: false, generator: &generator) === x)
    // The same generator state gives the same mask, so the check is deterministic.
    #expect(
      check.mismatches([x]) { t in
        var g = RandomGenerator(seed: 9)
        return t[0].dropout(p: 0.3, training: true, generator: &g)
      } == [])
    var g = RandomGenerator(seed: 9)
    let y = Tensor.ones([10_000]).dropout(p: 0.25, training: true, generator: &g).toArray()
    let kept = y.filter { $0 != 0 }
    #expect(kept.allSatisfy { $0 == Float(1) / 0.75 })
    #expect(abs(Double(kept.count) / 10_000 - 0.75) < 0.02)
  }

  @Test("masked multiplication passes no gradient to the mask")
  func masked() {
    let x = testTensor([3, 4], seed: 38)
    let mask = Tensor([1, 0, 1, 1], shape: [4], requiresGrad: true)
    #expect(check.mismatches([x]) { t in t[0].masked(by: mask) } == [])
    x.zeroGrad()
    x.masked(by: mask).sum().backward()
    #expect(mask.grad == nil)
    #expect(
      x.grad?.toArray()
        == [Float](repeating: 0, count: 12).enumerated().map { i, _ in i % 4 == 1 ? 0 : 1 })
  }
}
