import Tensor
import TestSupport
import Testing

@Suite("Autograd")
struct AutogradTests {
  @Test("gradients of a hand-computed expression, accumulated over two passes")
  func handComputed() {
    // L = sum(a * b + a) with a = [1, 2], b = [3, 4]: dL/da = b + 1, dL/db = a.
    let a = Tensor([1, 2], shape: [2], requiresGrad: true)
    let b = Tensor([3, 4], shape: [2], requiresGrad: true)
    (a * b + a).sum().backward()
    #expect(a.grad?.toArray() == [4, 5])
    #expect(b.grad?.toArray() == [1, 2])
    (a * b + a).sum().backward()
    #expect(a.grad?.toArray() == [8, 10])
    a.zeroGrad()
    #expect(a.grad == nil)
  }

  @Test("the gradient checker flags a wrong gradient")
  func checkerCatchesErrors() {
    // The analytic pass (recording on) differentiates 2x, the finite differences
    // (recording off) see 2.1x: a 5% error, beyond the 1% tolerance, must be reported.
    let x = testTensor([6], seed: 60)
    let problems = GradientCheck().mismatches([x]) { t in
      Tensor.isGradientEnabled ? t[0] * 2 : t[0] * 2.1
    }
    #expect(problems.count == 6)
  }

  @Test("a tensor used twice receives the sum of both gradients")
  func reuse() {
    let x = Tensor([3], shape: [1], requiresGrad: true)
    let y = x * x
    (y + y * x).sum().backward()
    // L = x^2 + x^3, dL/dx = 2x + 3x^2 = 33.
    #expect(x.grad?.toArray() == [33])
  }

  @Test("no-gradient mode records nothing")
  func withoutGradient() {
    let x = Tensor([1, 2], shape: [2], requiresGrad: true)
    let y = Tensor.withoutGradient { x * 2 }
    #expect(!y.requiresGrad)
    #expect(y.isLeaf)
    let z = x.detached() * 2
    #expect(!z.requiresGrad)
  }

  @Test("broadcast operands get gradients summed over the stretched dimensions")
  func broadcastGradients() {
    let a = testTensor([2, 3, 4], seed: 1)
    let b = testTensor([3, 1], seed: 2)
    let c = testTensor([4], seed: 3)
    let check = GradientCheck()
    #expect(check.mismatches([a, b, c]) { t in (t[0] + t[1]) * t[2] - t[1] / (t[2] + 3) } == [])
  }

  @Test("scalar forms and unary functions")
  func unary() {
    let x = Tensor(testValues(24, seed: 4).map { $0 + 2 }, shape: [4, 6], requiresGrad: true)
    let check = GradientCheck()
    #expect(check.mismatches([x]) { t in (t[0] * 3 + 1).exp() / 20 } == [])
    #expect(check.mismatches([x]) { t in t[0].log() + t[0].sqrt() - 2 / t[0] } == [])
    #expect(check.mismatches([x]) { t in t[0].pow(2) + t[0].pow(1.5) + (-t[0]).sigmoid() } == [])
    #expect(check.mismatches([x]) { t in (t[0] - 2).gelu() + (t[0] - 2).abs() } == [])
    #expect(check.mismatches([x]) { t in (3 - t[0]) / 4 + (1 + t[0]) * -0.5 - 1.5 * t[0] } == [])
    // clamped(min:) away from its kink: values within 0.05 of 2 are moved off it.
    let y = Tensor(
      x.toArray().map { Swift.abs($0 - 2) < 0.05 ? $0 + 0.1 : $0 }, shape: x.shape,
      requiresGrad: true)
    #expect(check.mismatches([y]) { t in t[0].clamped(min: 2) } == [])
  }

  @Test("relu away from its kink")
  func relu() {
    // Values at least 0.05 away from 0, so a step of 1e-2 never crosses the kink.
    let values = testValues(30, seed: 5).map { $0 < 0 ? $0 - 0.05 : $0 + 0.05 }
    let x = Tensor(values, shape: [5, 6], requiresGrad: true)
    #expect(GradientCheck().mismatches([x]) { t in t[0].relu() } == [])
  }

  @Test("sums and means over axes")
  func reductions() {
    let x = testTensor([2, 3, 4, 5], seed: 6)
    let check = GradientCheck()
    #expect(check.mismatches([x]) { t in t[0].sum(axes: [0, 2]) } == [])
    #expect(check.mismatches([x]) { t in t[0].mean(axes: [1, 3], keepDims: true) } == [])
    #expect(check.mismatches([x]) { t in t[0].sum(axis: -1) * t[0].mean() } == [])
    let sums = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).sum(axis: 0).toArray()
    #expect(sums == [5, 7, 9])
    #expect(Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).sum(axis: 1).toArray() == [6, 15])
  }

  @Test("shape ops: reshape, permute, transpose, slice, select, gather, concat")
  func shapes() {
    let x = testTensor([2, 3, 4], seed: 7)
    let y = testTensor([2, 2, 4], seed: 8)
    let check = GradientCheck()
    #expect(check.mismatches([x]) { t in t[0].reshaped([4, 6]).permuted([1, 0]) } == [])
    #expect(check.mismatches([x]) { t in t[0].transposed(0, 2) } == [])
    #expect(check.mismatches([x]) { t in t[0].slice(axis: 1, 1..<3) } == [])
    #expect(check.mismatches([x]) { t in t[0].select(axis: 1, index: 0) } == [])
    #expect(check.mismatches([x]) { t in t[0].gatherRows([1, 0, 1]) } == [])
    #expect(check.mismatches([x, y]) { t in Tensor.concat([t[0], t[1]], axis: 1) } == [])

    let p = Tensor([0, 1, 2, 3, 4, 5], shape: [2, 3]).permuted([1, 0])
    #expect(p.shape == [3, 2] && p.toArray() == [0, 3, 1, 4, 2, 5])
    let c = Tensor.concat(
      [Tensor([1, 2], shape: [1, 2]), Tensor([3, 4], shape: [1, 2])], axis: 1)
    #expect(c.toArray() == [1, 2, 3, 4])
  }

  @Test("matmul: 2-D, batched, broadcast batch, and linear")
  func matmul() {
    let check = GradientCheck()
    let a = testTensor([3, 5], seed: 9)
    let b = testTensor([5, 4], seed: 10)
    #expect(check.mismatches([a, b]) { t in Tensor.matmul(t[0], t[1]) } == [])
    let q = testTensor([2, 3, 4, 5], seed: 11)
    let k = testTensor([2, 3, 5, 3], seed: 12)
    #expect(check.mismatches([q, k]) { t in Tensor.matmul(t[0], t[1]) } == [])
    let s = testTensor([2, 1, 4, 5], seed: 13)
    let r = testTensor([3, 5, 2], seed: 14)
    #expect(check.mismatches([s, r]) { t in Tensor.matmul(t[0], t[1]) } == [])
    let x = testTensor([2, 3, 5], seed: 15)
    #expect(check.mismatches([x, b]) { t in Tensor.matmul(t[0], t[1]) } == [])
    let w = testTensor([4, 5], seed: 16)
    let bias = testTensor([4], seed: 17)
    #expect(
      check.mismatches([x, w, bias]) { t in Tensor.linear(t[0], weight: t[1], bias: t[2]) } == [])
    #expect(check.mismatches([x, w]) { t in Tensor.linear(t[0], weight: t[1]) } == [])

    // [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
    let m = Tensor.matmul(
      Tensor([1, 2, 3, 4], shape: [2, 2]), Tensor([5, 6, 7, 8], shape: [2, 2]))
    #expect(m.toArray() == [19, 22, 43, 50])
  }
}

@Suite("Shape helpers")
struct ShapeHelperTests {
  @Test("expand, unsqueeze, squeeze, stack and argmax")
  func helpers() {
    let check = GradientCheck()
    let token = testTensor([1, 1, 4], seed: 40)
    #expect(check.mismatches([token]) { t in t[0].expanded(to: [3, 1, 4]) } == [])
    let a = testTensor([2, 3], seed: 41)
    let b = testTensor([2, 3], seed: 42)
    #expect(check.mismatches([a, b]) { t in Tensor.stack([t[0], t[1]], axis: 1) } == [])
    #expect(a.unsqueezed(axis: -1).shape == [2, 3, 1])
    #expect(a.unsqueezed(axis: 0).squeezed(axis: 0).shape == [2, 3])
    let s = Tensor.stack([Tensor([1, 2], shape: [2]), Tensor([3, 4], shape: [2])], axis: 1)
    #expect(s.shape == [2, 2] && s.toArray() == [1, 3, 2, 4])
    #expect(Tensor([0, 5, 5, 7, 1, 2], shape: [2, 3]).argmaxLastAxis() == [1, 0])
  }
}

@Suite("Graph lifetime")
struct GraphLifetimeTests {
  final class Watch {
    struct Entry { weak var tensor: Tensor? }
    var entries: [Entry] = []
    func callAsFunction(_ t: Tensor) -> Tensor {
      entries.append(Entry(tensor: t))
      return t
    }
    var alive: Int { entries.filter { $0.tensor != nil }.count }
  }

  /// A graph touching most ops; every intermediate is watched.
  static func graph(_ w: Watch) -> Tensor {
    let x = testTensor([4, 5], seed: 50)
    let weight = testTensor([3, 5], seed: 51)
    let q = testTensor([1, 2, 4, 5], seed: 52)
    let y = w(
      w(w(w(w(w(Tensor.linear(x, weight: weight)).exp()).log()).softmax(axis: -1)).gelu()).sigmoid()
    )
    let z = w(w(w(w(Tensor.layerNorm(y, weight: nil, bias: nil)).relu()).sqrt()) + w(y.pow(2)))
    let a = w(Tensor.scaledDotProductAttention(query: q, key: q, value: q))
    let image = testTensor([1, 2, 5, 5], seed: 53)
    let kernel = testTensor([2, 2, 3, 3], seed: 54)
    let c = w(
      w(Tensor.conv2d(image, weight: kernel, padding: 1)).maxPool2d(kernelSize: 2, stride: 2))
    let b = w(
      w(
        Tensor.batchNorm2d(
          c, weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: true)
      ).adaptiveAvgPool2d())
    return w(
      w(Tensor.crossEntropy(w(z.logSoftmax(axis: 1)), targets: z.detached())) + w(a.mean())
        + w(b.sum()))
  }

  @Test("backward frees the intermediates; an unused graph is freed when dropped")
  func freed() {
    for runBackward in [false, true] {
      let watch = Watch()
      do {
        let loss = GraphLifetimeTests.graph(watch)
        // Intermediates no backward step saved (the sum, the mean) are already gone.
        #expect(watch.alive < watch.entries.count)
        if runBackward {
          // The pass frees every intermediate as it goes; only the loss remains.
          loss.backward()
          #expect(watch.alive == 1)
        }
      }
      #expect(watch.alive == 0, "backward: \(runBackward)")
    }
  }
}

@Suite("Engine misuse")
struct MisuseTests {
  @Test("a shape mismatch traps with both shapes in the message")
  func shapeMismatchTraps() async {
    let matmul = await #expect(
      processExitsWith: .failure, observing: [\.standardErrorContent]
    ) {
      _ = Tensor.matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5]))
    }
    let matmulMessage = String(decoding: matmul?.standardErrorContent ?? [], as: UTF8.self)
    #expect(matmulMessage.contains("matmul: shapes [2, 3] and [4, 5] do not multiply"))
    let add = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor.zeros([2, 3]) + Tensor.zeros([4, 3])
    }
    let addMessage = String(decoding: add?.standardErrorContent ?? [], as: UTF8.self)
    #expect(addMessage.contains("broadcast: shapes [2, 3] and [4, 3] are incompatible"))
  }
}
