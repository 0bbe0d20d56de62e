import Dispatch
import Foundation
import Tensor

/// Timed runs of the Tensor kernels, behind `spurious bench gemm|conv|pool`.
///
/// Each measurement warms up once, then times `repeats` calls (short calls are
/// repeated until a sample lasts about 20 ms and averaged) and reports the spread.
/// The thread count is a fresh `ThreadPool(threadCount:)`, so the shared pool is
/// left alone. Inputs are deterministic pseudo-random values in [-1, 1].
public enum KernelBenchmarks {
  /// A GEMM workload: `C[m x n] = op(A)[m x k] * op(B)[k x n]`.
  public struct GEMMShape: Sendable {
    public var label: String
    public var m: Int
    public var n: Int
    public var k: Int
    public var transposeA: Bool
    public var transposeB: Bool

    public init(
      _ label: String, m: Int, n: Int, k: Int, transposeA: Bool = false,
      transposeB: Bool = false
    ) {
      self.label = label
      self.m = m
      self.n = n
      self.k = k
      self.transposeA = transposeA
      self.transposeB = transposeB
    }

    /// Square sizes 512..2048, then DeiT-S's linear layers at batch 32 x 197 tokens
    /// (M = 6304) as nn.Linear runs them: forward `Y = X W^T`, backward-data
    /// `dX = dY W`, backward-weight `dW = dY^T X`.
    public static let standard: [GEMMShape] = {
      var shapes = [512, 1024, 2048].map { GEMMShape("square", m: $0, n: $0, k: $0) }
      let tokens = 32 * 197
      for (name, input, output) in [
        ("qkv", 384, 1152), ("proj", 384, 384), ("fc1", 384, 1536), ("fc2", 1536, 384),
      ] {
        shapes.append(
          GEMMShape("deit-s.\(name).fwd", m: tokens, n: output, k: input, transposeB: true))
        shapes.append(GEMMShape("deit-s.\(name).bwd-data", m: tokens, n: input, k: output))
        shapes.append(
          GEMMShape("deit-s.\(name).bwd-wt", m: output, n: input, k: tokens, transposeA: true))
      }
      return shapes
    }()
  }

  /// A convolution workload (PyTorch's Conv2d arguments, groups 1).
  public struct ConvShape: Sendable {
    public var label: String
    public var geometry: Conv2dGeometry

    public init(_ label: String, _ geometry: Conv2dGeometry) {
      self.label = label
      self.geometry = geometry
    }

    /// ResNet50's typical layers at `batch`: the 3x3 and 1x1 of stage 1, a strided 3x3,
    /// the 3x3 of stage 4 and the 7x7/2 stem.
    public static func resnet50(batch: Int) -> [ConvShape] {
      func g(_ c: Int, _ o: Int, _ size: Int, _ kernel: Int, _ stride: Int, _ pad: Int)
        -> Conv2dGeometry
      {
        Conv2dGeometry(
          batch: batch, inChannels: c, height: size, width: size, outChannels: o,
          kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
          paddingHeight: pad, paddingWidth: pad)
      }
      return [
        ConvShape("3x3.64.56", g(64, 64, 56, 3, 1, 1)),
        ConvShape("1x1.256-64.56", g(256, 64, 56, 1, 1, 0)),
        ConvShape("1x1.64-256.56", g(64, 256, 56, 1, 1, 0)),
        ConvShape("3x3s2.128.56", g(128, 128, 56, 3, 2, 1)),
        ConvShape("3x3.512.7", g(512, 512, 7, 3, 1, 1)),
        ConvShape("stem.7x7s2", g(3, 64, 224, 7, 2, 3)),
      ]
    }

    /// Every distinct convolution of ResNet50 at 224 x 224, in network order, labelled
    /// `kernel[s2].in-out.size` (input size); batch norm folded or not, these are the
    /// shapes an inference or training pass runs.
    public static func resnet50AllLayers(batch: Int) -> [ConvShape] {
      var shapes = [
        ConvShape(
          "stem.7x7s2",
          Conv2dGeometry(
            batch: batch, inChannels: 3, height: 224, width: 224, outChannels: 64,
            kernelHeight: 7, kernelWidth: 7, strideHeight: 2, strideWidth: 2,
            paddingHeight: 3, paddingWidth: 3))
      ]
      var seen: Set<Conv2dGeometry> = [shapes[0].geometry]
      func add(_ c: Int, _ o: Int, _ size: Int, _ kernel: Int, _ stride: Int) {
        let geometry = Conv2dGeometry(
          batch: batch, inChannels: c, height: size, width: size, outChannels: o,
          kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
          paddingHeight: kernel / 2, paddingWidth: kernel / 2)
        if !seen.insert(geometry).inserted { return }
        let strided = stride == 1 ? "" : "s\(stride)"
        shapes.append(ConvShape("\(kernel)x\(kernel)\(strided).\(c)-\(o).\(size)", geometry))
      }
      // torchvision's stages: (width, blocks, stride); the stride sits on the 3x3
      // and the downsample of the first block.
      var inChannels = 64
      var size = 56
      for (width, blocks, stride) in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)] {
        for block in 0..<blocks {
          let s = block == 0 ? stride : 1
          add(inChannels, width, size, 1, 1)
          add(width, width, size, 3, s)
          add(width, 4 * width, size / s, 1, 1)
          if block == 0 { add(inChannels, 4 * width, size, 1, s) }
          inChannels = 4 * width
          size /= s
        }
      }
      return shapes
    }
  }

  /// The three passes of a convolution layer, and the forward as inference runs it:
  /// weights packed beforehand (Winograd-transformed where that pays), bias and ReLU
  /// fused. Its GFLOPS count the direct method's operations, so a Winograd layer can
  /// show more than the machine's peak.
  public enum ConvPass: String, CaseIterable, Sendable {
    case forward, backwardData, backwardWeight, inference
  }

  /// Times `gemm` (alpha 1, beta 0) on each shape.
  public static func gemm(
    threads: Int, repeats: Int, shapes: [GEMMShape] = GEMMShape.standard
  ) -> [BenchmarkResult] {
    let pool = ThreadPool(threadCount: threads)
    return shapes.map { shape in
      let a = randomBuffer(shape.m * shape.k, seed: 1)
      let b = randomBuffer(shape.k * shape.n, seed: 2)
      let c = UnsafeMutablePointer<Float>.allocate(capacity: shape.m * shape.n)
      defer {
        a.deallocate()
        b.deallocate()
        c.deallocate()
      }
      let seconds = time(repeats: repeats) {
        gemmKernel(
          transposeA: shape.transposeA, transposeB: shape.transposeB, m: shape.m, n: shape.n,
          k: shape.k, alpha: 1, a: a, lda: shape.transposeA ? shape.m : shape.k, b: b,
          ldb: shape.transposeB ? shape.k : shape.n, beta: 0, c: c, ldc: shape.n, pool: pool)
      }
      let layout = (shape.transposeA ? "T" : "N") + (shape.transposeB ? "T" : "N")
      return BenchmarkResult(
        kernel: "gemm." + layout, label: shape.label,
        shape: [("m", shape.m), ("n", shape.n), ("k", shape.k)], threads: threads,
        flops: 2 * Double(shape.m) * Double(shape.n) * Double(shape.k), seconds: seconds)
    }
  }

  /// Times the convolution forward, backward-data and backward-weight on each shape.
  public static func conv(
    threads: Int, repeats: Int, shapes: [ConvShape] = ConvShape.resnet50(batch: 32),
    passes: Set<ConvPass> = Set(ConvPass.allCases)
  ) -> [BenchmarkResult] {
    let pool = ThreadPool(threadCount: threads)
    var results: [BenchmarkResult] = []
    for shape in shapes {
      let g = shape.geometry
      let inputCount = g.batch * g.inChannels * g.height * g.width
      let outputCount = g.batch * g.outChannels * g.outHeight * g.outWidth
      let weightCount = g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth
      let input = randomBuffer(inputCount, seed: 3)
      let weight = randomBuffer(weightCount, seed: 4)
      let output = randomBuffer(outputCount, seed: 5)
      let grad = randomBuffer(max(inputCount, weightCount), seed: 6)
      defer {
        input.deallocate()
        weight.deallocate()
        output.deallocate()
        grad.deallocate()
      }
      let fields = [
        ("batch", g.batch), ("in", g.inChannels), ("out", g.outChannels), ("size", g.height),
        ("kernel_size", g.kernelHeight), ("stride", g.strideHeight), ("padding", g.paddingHeight),
      ]
      let packed =
        passes.contains(.inference)
        ? PackedConv2dWeights(
          weight, shape: [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth],
          pool: pool) : nil
      let bias = randomBuffer(g.outChannels, seed: 7)
      defer { bias.deallocate() }
      let runs: [(ConvPass, () -> Void)] = [
        (
          .forward,
          {
            conv2dForward(g, input: input, weight: weight, bias: nil, output: output, pool: pool)
          }
        ),
        (
          .backwardData,
          {
            conv2dBackwardData(g, gradOutput: output, weight: weight, gradInput: grad, pool: pool)
          }
        ),
        (
          .backwardWeight,
          {
            conv2dBackwardWeight(g, input: input, gradOutput: output, gradWeight: grad, pool: pool)
          }
        ),
        (
          .inference,
          {
            guard let packed else { return }
            conv2dForward(
              g, input: input, packedWeights: packed, bias: bias, output: output,
              epilogue: Conv2dEpilogue(relu: true), pool: pool)
          }
        ),
      ]
      for (pass, run) in runs where passes.contains(pass) {
        results.append(
          BenchmarkResult(
            kernel: "conv2d." + pass.rawValue, label: shape.label, shape: fields, threads: threads,
            flops: g.forwardFlops, seconds: time(repeats: repeats, run)))
      }
    }
    return results
  }

  /// Seconds per call of `body`: one warm-up, then `repeats` samples, each the mean of
  /// enough calls to last about 20 ms. With `SPURIOUS_BENCH_CLOCK=cpu` the clock is the
  /// process's CPU time instead of wall time: on a shared machine it leaves out the time
  /// other programs held the cores (meaningful for one thread only).
  static func time(repeats: Int, _ body: () -> Void) -> [Double] {
    let cpuClock = ProcessInfo.processInfo.environment["SPURIOUS_BENCH_CLOCK"] == "cpu"
    func now() -> Double {
      if cpuClock {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
      }
      return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
    let start = now()
    body()
    let first = now() - start
    let calls = max(1, min(1000, Int(0.02 / max(first, 1e-7))))
    return (0..<max(1, repeats)).map { _ in
      let start = now()
      for _ in 0..<calls { body() }
      return (now() - start) / Double(calls)
    }
  }

  /// `count` floats in [-1, 1] from a fixed linear congruential sequence.
  static func randomBuffer(_ count: Int, seed: UInt64) -> UnsafeMutablePointer<Float> {
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    for i in 0..<count {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      buffer[i] = Float(Int32(truncatingIfNeeded: state >> 32)) / Float(Int32.max)
    }
    return buffer
  }
}

extension KernelBenchmarks {
  /// Fork-join cost of the thread pool against `DispatchQueue.concurrentPerform`: each
  /// call runs `threads` independent single-threaded GEMMs of 128 x 128 x 256 (about
  /// 0.1 ms each, the size of a kernel's task), so the throughput shows how well each
  /// mechanism keeps every thread busy. Alternates the two to share the machine's noise.
  public static func pool(threads: Int, repeats: Int) -> [BenchmarkResult] {
    let pool = ThreadPool(threadCount: threads)
    let serial = ThreadPool(threadCount: 1)
    let (m, n, k) = (128, 128, 256)
    let a = randomBuffer(m * k, seed: 7)
    let b = randomBuffer(k * n, seed: 8)
    let c = UnsafeMutablePointer<Float>.allocate(capacity: threads * m * n)
    defer {
      a.deallocate()
      b.deallocate()
      c.deallocate()
    }
    func task(_ i: Int) {
      gemmKernel(
        transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k,
        b: b, ldb: n, beta: 0, c: c + i * m * n, ldc: n, pool: serial)
    }
    var poolSeconds: [Double] = []
    var dispatchSeconds: [Double] = []
    for _ in 0..<max(1, repeats) {
      poolSeconds += time(repeats: 1) { pool.parallelFor(threads, task) }
      dispatchSeconds += time(repeats: 1) {
        DispatchQueue.concurrentPerform(iterations: threads, execute: task)
      }
    }
    let flops = 2 * Double(m * n * k * threads)
    let shape = [("tasks", threads), ("m", m), ("n", n), ("k", k)]
    return [
      BenchmarkResult(
        kernel: "pool.parallelFor", label: "gemm-tasks", shape: shape, threads: threads,
        flops: flops, seconds: poolSeconds),
      BenchmarkResult(
        kernel: "dispatch.concurrentPerform", label: "gemm-tasks", shape: shape,
        threads: threads, flops: flops, seconds: dispatchSeconds),
    ]
  }
}

/// The GEMM kernel under a name of its own: inside `KernelBenchmarks` the method `gemm`
/// hides the global function, and `Tensor.gemm` names the tensor type, not the module.
private func gemmKernel(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, pool: ThreadPool
) {
  gemm(
    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a,
    lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, pool: pool)
}
