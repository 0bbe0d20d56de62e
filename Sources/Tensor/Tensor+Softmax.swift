import Foundation

// Softmax, log-softmax and cross-entropy with probability targets, all numerically
// stable (the row maximum is subtracted before exponentiating).

/// How a per-sample loss is reduced over the batch, as PyTorch's `reduction`.
public enum LossReduction: Sendable {
  /// The per-sample losses, shape `[N]`.
  case none
  /// Their mean over the batch (PyTorch's default).
  case mean
  /// Their sum.
  case sum
}

extension Tensor {
  /// `exp(x - max) / sum(exp(x - max))` along `axis`, as `torch.softmax(x, dim: axis)`.
  /// The result has the input's shape.
  public func softmax(axis: Int = -1) -> Tensor {
    let a = normalizedAxis(axis)
    if a != rank - 1 {
      return movingAxisToEnd(a) { $0.softmax(axis: -1) }
    }
    let d = shape.last ?? 1
    let result = Tensor(uninitializedShape: shape)
    let (x, y) = (storage.pointer, result.storage.pointer)
    parallelItems(count / max(d, 1), workPerItem: d) { r in
      softmaxRow(x + r * d, y + r * d, d, logarithm: false)
    }
    if Tensor.needsGradient(self) {
      let output = result.detached()
      result.recordGradient("softmax", inputs: [self]) { g in
        // dx = y * (g - sum(g * y)) per row.
        let gx = Tensor(uninitializedShape: output.shape)
        let (yp, gp, gxp) = (output.storage.pointer, g.storage.pointer, gx.storage.pointer)
        parallelItems(output.count / max(d, 1), workPerItem: d) { r in
          let (yr, gr, out) = (yp + r * d, gp + r * d, gxp + r * d)
          let dot = dotRange(gr, yr, count: d)
          for j in 0..<d { out[j] = yr[j] * (gr[j] - dot) }
        }
        return [gx]
      }
    }
    return result
  }

  /// `x - max - log(sum(exp(x - max)))` along `axis`, as `torch.log_softmax`.
  /// The result has the input's shape.
  public func logSoftmax(axis: Int = -1) -> Tensor {
    let a = normalizedAxis(axis)
    if a != rank - 1 {
      return movingAxisToEnd(a) { $0.logSoftmax(axis: -1) }
    }
    let d = shape.last ?? 1
    let result = Tensor(uninitializedShape: shape)
    let (x, y) = (storage.pointer, result.storage.pointer)
    parallelItems(count / max(d, 1), workPerItem: d) { r in
      softmaxRow(x + r * d, y + r * d, d, logarithm: true)
    }
    if Tensor.needsGradient(self) {
      let output = result.detached()
      result.recordGradient("logSoftmax", inputs: [self]) { g in
        // dx = g - softmax * sum(g) per row, softmax = exp(output).
        let gx = Tensor(uninitializedShape: output.shape)
        let (yp, gp, gxp) = (output.storage.pointer, g.storage.pointer, gx.storage.pointer)
        parallelItems(output.count / max(d, 1), workPerItem: d) { r in
          let (yr, gr, out) = (yp + r * d, gp + r * d, gxp + r * d)
          let total = sumRange(gr, count: d)
          for j in 0..<d { out[j] = gr[j] - Foundation.exp(yr[j]) * total }
        }
        return [gx]
      }
    }
    return result
  }

  /// Applies a last-axis op to this tensor with `axis` moved to the end, and moves it
  /// back.
  private func movingAxisToEnd(_ axis: Int, _ body: (Tensor) -> Tensor) -> Tensor {
    var order = Array(0..<rank)
    order.remove(at: axis)
    order.append(axis)
    var inverse = [Int](repeating: 0, count: rank)
    for (i, a) in order.enumerated() { inverse[a] = i }
    return body(permuted(order)).permuted(inverse)
  }

  /// Cross-entropy with probability targets, as `torch.nn.functional.cross_entropy`
  /// when the target is a `[N, C]` float tensor: per sample
  /// `-sum_c targets[n, c] * log_softmax(logits)[n, c]`, then reduced.
  ///
  /// `logits` is `[N, C]` (the reference feeds softmax outputs here, a double softmax
  /// it depends on), `targets` `[N, C]` (no gradient flows to them). The result is a
  /// scalar for `.mean` and `.sum`, `[N]` for `.none`.
  public static func crossEntropy(
    _ logits: Tensor, targets: Tensor, reduction: LossReduction = .mean
  ) -> Tensor {
    tensorPrecondition(
      logits.rank == 2 && targets.shape == logits.shape,
      "crossEntropy: logits \(logits.shape) and targets \(targets.shape) must both be [N, C]")
    let (n, c) = (logits.shape[0], logits.shape[1])
    let logProbabilities = Tensor.withoutGradient { logits.logSoftmax(axis: 1) }
    var perSample = [Float](repeating: 0, count: n)
    withExtendedLifetime(logProbabilities) {
      let (lp, tp) = (logProbabilities.storage.pointer, targets.storage.pointer)
      for i in 0..<n {
        var loss: Float = 0
        for j in 0..<c { loss -= tp[i * c + j] * lp[i * c + j] }
        perSample[i] = loss
      }
    }
    let result: Tensor
    switch reduction {
    case .none: result = Tensor(perSample, shape: [n])
    case .sum: result = Tensor(scalar: perSample.reduce(0, +))
    case .mean: result = Tensor(scalar: perSample.reduce(0, +) / Float(max(n, 1)))
    }
    if needsGradient(logits) {
      result.recordGradient("crossEntropy", inputs: [logits]) { g in
        // d loss_n / d logits = softmax * sum(targets) - targets, times loss_n's gradient.
        let gx = Tensor(uninitializedShape: logits.shape)
        let gxp = gx.storage.pointer
        let gp = g.storage.pointer
        let (lp, tp) = (logProbabilities.storage.pointer, targets.storage.pointer)
        for i in 0..<n {
          let upstream: Float
          switch reduction {
          case .none: upstream = gp[i]
          case .sum: upstream = gp[0]
          case .mean: upstream = gp[0] / Float(n)
          }
          var targetSum: Float = 0
          for j in 0..<c { targetSum += tp[i * c + j] }
          for j in 0..<c {
            let p = Foundation.exp(lp[i * c + j])
            gxp[i * c + j] = (p * targetSum - tp[i * c + j]) * upstream
          }
        }
        return [gx]
      }
    }
    return result
  }

  /// Cross-entropy with class-index labels (`labels[n]` in `0..<C`), as
  /// `torch.nn.functional.cross_entropy(logits, labels)`.
  public static func crossEntropy(
    _ logits: Tensor, labels: [Int], reduction: LossReduction = .mean
  ) -> Tensor {
    tensorPrecondition(
      logits.rank == 2 && labels.count == logits.shape[0],
      "crossEntropy: logits \(logits.shape) for \(labels.count) labels")
    let c = logits.shape[1]
    var oneHot = [Float](repeating: 0, count: logits.count)
    for (i, label) in labels.enumerated() {
      tensorPrecondition(label >= 0 && label < c, "crossEntropy: label \(label) not in 0..<\(c)")
      oneHot[i * c + label] = 1
    }
    return crossEntropy(logits, targets: Tensor(oneHot, shape: logits.shape), reduction: reduction)
  }
}

/// Softmax (or log-softmax) of one contiguous row of `d` values.
@inline(__always)
func softmaxRow(
  _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ d: Int, logarithm: Bool
) {
  if d == 0 { return }
  // Row maximum, so every exponent is <= 0 and nothing overflows.
  var maxVector = SIMD16<Float>(repeating: -.infinity)
  var i = 0
  while i + 16 <= d {
    let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
    maxVector.replace(with: v, where: v .> maxVector)
    i += 16
  }
  var m = maxVector.max()
  while i < d {
    m = Swift.max(m, x[i])
    i += 1
  }
  if m == -.infinity { m = 0 }

  // exp(x - max) into y (or a scratch pass for log-softmax), and its sum.
  let shift = SIMD16<Float>(repeating: m)
  var acc = SIMD16<Float>()
  i = 0
  while i + 16 <= d {
    let e = simdExp(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - shift)
    acc += e
    if !logarithm { UnsafeMutableRawPointer(y + i).storeBytes(of: e, as: SIMD16<Float>.self) }
    i += 16
  }
  var total = laneSum(acc)
  while i < d {
    let e = expScalar(x[i] - m)
    total += e
    if !logarithm { y[i] = e }
    i += 1
  }

  if logarithm {
    let offset = m + Foundation.log(total)
    for j in 0..<d { y[j] = x[j] - offset }
  } else {
    for j in 0..<d { y[j] /= total }
  }
}
