import Tensor
import TestSupport
import Testing

/// Forward values and gradients against PyTorch (scripts/make_tensor_fixtures.py).
@Suite("PyTorch parity")
struct TorchParityTests {
  typealias F = TorchFixtures
  let tight = Tolerance(absolute: 1e-5, relative: 1e-5)
  let gradient = Tolerance(absolute: 1e-5, relative: 1e-4)

  @Test("batchNorm2d: three training steps, running statistics, then evaluation")
  func batchNorm() {
    let weight = F.tensor("batchNorm.weight", requiresGrad: true)
    let bias = F.tensor("batchNorm.bias", requiresGrad: true)
    let runningMean = Tensor.zeros([3])
    let runningVar = Tensor.ones([3])
    for step in 0..<3 {
      let name = "batchNorm.step\(step)"
      let x = F.tensor(name + ".x", requiresGrad: true)
      weight.zeroGrad()
      bias.zeroGrad()
      let y = Tensor.batchNorm2d(
        x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
        training: true)
      F.expectClose(y, name + ".out", tight)
      y.backward(gradient: F.tensor(name + ".gradOut"))
      F.expectClose(x.grad, name + ".grad.x", gradient)
      F.expectClose(weight.grad, name + ".grad.weight", gradient)
      F.expectClose(bias.grad, name + ".grad.bias", gradient)
    }
    F.expectClose(runningMean, "batchNorm.runningMean", tight)
    F.expectClose(runningVar, "batchNorm.runningVar", tight)

    let x = F.tensor("batchNorm.eval.x", requiresGrad: true)
    weight.zeroGrad()
    bias.zeroGrad()
    let y = Tensor.batchNorm2d(
      x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
      training: false)
    F.expectClose(y, "batchNorm.eval.out", tight)
    y.backward(gradient: F.tensor("batchNorm.eval.gradOut"))
    F.expectClose(x.grad, "batchNorm.eval.grad.x", gradient)
    F.expectClose(weight.grad, "batchNorm.eval.grad.weight", gradient)
    F.expectClose(bias.grad, "batchNorm.eval.grad.bias", gradient)
  }

  @Test("crossEntropy with soft targets, on logits and on softmax outputs")
  func crossEntropy() {
    let logits = F.tensor("crossEntropy.logits", requiresGrad: true)
    let loss = Tensor.crossEntropy(logits, targets: F.tensor("crossEntropy.targets"))
    F.expectClose(loss, "crossEntropy.soft.out", tight)
    loss.backward(gradient: F.tensor("crossEntropy.soft.gradOut"))
    F.expectClose(logits.grad, "crossEntropy.soft.grad.logits", gradient)

    let targets = F.tensor("crossEntropy.double.targets")
    let z = F.tensor("crossEntropy.double.z", requiresGrad: true)
    let double = Tensor.crossEntropy(z.softmax(axis: 1), targets: targets)
    F.expectClose(double, "crossEntropy.double.out", tight)
    double.backward(gradient: F.tensor("crossEntropy.double.gradOut"))
    F.expectClose(z.grad, "crossEntropy.double.grad.z", gradient)

    let z2 = F.tensor("crossEntropy.none.z", requiresGrad: true)
    let perSample = Tensor.crossEntropy(z2.softmax(axis: 1), targets: targets, reduction: .none)
    F.expectClose(perSample, "crossEntropy.none.out", tight)
    perSample.backward(gradient: F.tensor("crossEntropy.none.gradOut"))
    F.expectClose(z2.grad, "crossEntropy.none.grad.z", gradient)
  }

  @Test("layerNorm over the last dimension, eps 1e-5 and 1e-6", arguments: ["1e-5", "1e-6"])
  func layerNorm(eps: String) {
    let name = "layerNorm.\(eps)"
    let x = F.tensor(name + ".x", requiresGrad: true)
    let w = F.tensor(name + ".weight", requiresGrad: true)
    let b = F.tensor(name + ".bias", requiresGrad: true)
    let y = Tensor.layerNorm(x, weight: w, bias: b, eps: Float(eps)!)
    F.expectClose(y, name + ".out", tight)
    y.backward(gradient: F.tensor(name + ".gradOut"))
    F.expectClose(x.grad, name + ".grad.x", gradient)
    F.expectClose(w.grad, name + ".grad.weight", gradient)
    F.expectClose(b.grad, name + ".grad.bias", gradient)
  }

  @Test("exact gelu on [-6, 6]")
  func gelu() {
    let x = F.tensor("gelu.x", requiresGrad: true)
    let y = x.gelu()
    F.expectClose(y, "gelu.out", Tolerance(absolute: 1e-6, relative: 1e-6))
    y.backward(gradient: F.tensor("gelu.gradOut"))
    F.expectClose(x.grad, "gelu.grad.x", Tolerance(absolute: 1e-6, relative: 1e-5))
  }

  @Test("softmax and logSoftmax along the last and a middle axis", arguments: [-1, 1])
  func softmax(axis: Int) {
    for name in ["softmax", "logSoftmax"] {
      let key = "\(name).\(axis)"
      let x = F.tensor(key + ".x", requiresGrad: true)
      let y = name == "softmax" ? x.softmax(axis: axis) : x.logSoftmax(axis: axis)
      F.expectClose(y, key + ".out", tight)
      y.backward(gradient: F.tensor(key + ".gradOut"))
      F.expectClose(x.grad, key + ".grad.x", gradient)
    }
  }

  @Test("maxPool2d 3/2/1 with ties, gradient to the first maximum")
  func maxPool() {
    let x = F.tensor("maxPool.x", requiresGrad: true)
    let y = x.maxPool2d(kernelSize: 3, stride: 2, padding: 1)
    F.expectClose(y, "maxPool.out", Tolerance(absolute: 0, relative: 0))
    y.backward(gradient: F.tensor("maxPool.gradOut"))
    F.expectClose(x.grad, "maxPool.grad.x", tight)
  }

  @Test("adaptiveAvgPool2d to 1x1 and to an uneven 3x2")
  func adaptiveAveragePool() {
    for (name, h, w) in [("1x1", 1, 1), ("3x2", 3, 2)] {
      let x = F.tensor("avgPool.x", requiresGrad: true)
      let y = x.adaptiveAvgPool2d(outputHeight: h, outputWidth: w)
      F.expectClose(y, "avgPool.\(name).out", tight)
      y.backward(gradient: F.tensor("avgPool.\(name).gradOut"))
      F.expectClose(x.grad, "avgPool.\(name).grad.x", tight)
    }
  }

  @Test("conv2d forward and backward, stride 2, padding 1, odd sizes")
  func conv() {
    let x = F.tensor("conv.x", requiresGrad: true)
    let w = F.tensor("conv.weight", requiresGrad: true)
    let b = F.tensor("conv.bias", requiresGrad: true)
    let y = Tensor.conv2d(x, weight: w, bias: b, stride: 2, padding: 1)
    F.expectClose(y, "conv.out", tight)
    y.backward(gradient: F.tensor("conv.gradOut"))
    F.expectClose(x.grad, "conv.grad.x", gradient)
    F.expectClose(w.grad, "conv.grad.weight", gradient)
    F.expectClose(b.grad, "conv.grad.bias", gradient)
  }

  @Test("batched matmul, equal and broadcast batch dimensions")
  func matmul() {
    for name in ["matmul", "matmulBroadcast"] {
      let a = F.tensor(name + ".a", requiresGrad: true)
      let b = F.tensor(name + ".b", requiresGrad: true)
      let y = Tensor.matmul(a, b)
      F.expectClose(y, name + ".out", tight)
      y.backward(gradient: F.tensor(name + ".gradOut"))
      F.expectClose(a.grad, name + ".grad.a", gradient)
      F.expectClose(b.grad, name + ".grad.b", gradient)
    }
  }

  @Test("l2Normalized as F.normalize", arguments: [-1, 1])
  func l2Normalize(axis: Int) {
    let key = "l2Normalize.\(axis)"
    let x = F.tensor(key + ".x", requiresGrad: true)
    let y = x.l2Normalized(axis: axis)
    F.expectClose(y, key + ".out", tight)
    y.backward(gradient: F.tensor(key + ".gradOut"))
    F.expectClose(x.grad, key + ".grad.x", gradient)
  }

  @Test("scaled dot-product attention against timm's explicit formulation")
  func attention() {
    let q = F.tensor("attention.q", requiresGrad: true)
    let k = F.tensor("attention.k", requiresGrad: true)
    let v = F.tensor("attention.v", requiresGrad: true)
    let y = Tensor.scaledDotProductAttention(query: q, key: k, value: v)
    F.expectClose(y, "attention.out", tight)
    y.backward(gradient: F.tensor("attention.gradOut"))
    F.expectClose(q.grad, "attention.grad.q", gradient)
    F.expectClose(k.grad, "attention.grad.k", gradient)
    F.expectClose(v.grad, "attention.grad.v", gradient)
  }
}
