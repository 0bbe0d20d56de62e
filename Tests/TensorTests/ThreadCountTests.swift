import Tensor
import TestSupport
import Testing

/// Results must not depend on the number of threads (DESIGN.md, Seeds).
@Suite("Thread-count independence", .serialized)
struct ThreadCountTests {
  /// The values and gradients of a small network-like computation, on a pool of
  /// `threads` threads, sized so that every op splits into several tasks.
  static func run(threads: Int) -> [[Float]] {
    let saved = ThreadPool.shared
    ThreadPool.shared = ThreadPool(threadCount: threads)
    defer { ThreadPool.shared = saved }

    var g = RandomGenerator(seed: 2)
    let x = Tensor.normal([8, 16, 24, 24], generator: &g, requiresGrad: true)
    let w = Tensor.kaimingNormal([16, 16, 3, 3], generator: &g)
    let gamma = Tensor.ones([16], requiresGrad: true)
    let beta = Tensor.zeros([16], requiresGrad: true)
    let runningMean = Tensor.zeros([16])
    let runningVar = Tensor.ones([16])
    var y = Tensor.conv2d(x, weight: w, padding: 1)
    y = Tensor.batchNorm2d(
      y, weight: gamma, bias: beta, runningMean: runningMean, runningVar: runningVar,
      training: true)
    y = y.relu().maxPool2d(kernelSize: 3, stride: 2, padding: 1)
    let tokens = y.reshaped([8, 16, 144]).permuted([0, 2, 1])
    let lnWeight = Tensor.ones([16], requiresGrad: true)
    let normed = Tensor.layerNorm(tokens, weight: lnWeight, bias: nil).gelu()
    let heads = normed.reshaped([8, 144, 2, 8]).permuted([0, 2, 1, 3])
    let attended = Tensor.scaledDotProductAttention(query: heads, key: heads, value: heads)
    let pooled = attended.mean(axes: [1, 2]).softmax(axis: -1)
    let loss = Tensor.crossEntropy(pooled, labels: Array(repeating: 1, count: 8))
    loss.backward()
    return [
      [loss.item], x.toArray(), x.grad!.toArray(), w.grad!.toArray(), gamma.grad!.toArray(),
      lnWeight.grad!.toArray(), runningVar.toArray(), (x * x).sum().toArray(),
    ]
  }

  @Test("random draws, forward values and gradients are identical with 1 and 2 threads")
  func oneAndTwoThreads() {
    let one = ThreadCountTests.run(threads: 1)
    let two = ThreadCountTests.run(threads: 2)
    #expect(one == two)
  }
}
