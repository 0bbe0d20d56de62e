// Batch normalisation over [N, C, H, W], layer normalisation over the last dimension,
// and L2 normalisation along an axis, with their gradients.

extension Tensor {
  /// Batch normalisation of `[N, C, H, W]` per channel, as
  /// `torch.nn.functional.batch_norm`.
  ///
  /// Training: each channel is normalised with the mean and biased variance of its
  /// `N * H * W` values, and the running statistics (shape `[C]`, updated in place,
  /// not recorded) become `(1 - momentum) * running + momentum * batch`, where the batch
  /// variance is the unbiased one, exactly as PyTorch. Evaluation: the running
  /// statistics normalise. `weight` and `bias` (`[C]`, or nil for 1 and 0) then scale
  /// and shift. The result has the input's shape.
  public static func batchNorm2d(
    _ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
    training: Bool, momentum: Float = 0.1, eps: Float = 1e-5
  ) -> Tensor {
    tensorPrecondition(x.rank == 4, "batchNorm2d: input must be [N, C, H, W], got \(x.shape)")
    let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    for (name, t) in [
      ("weight", weight), ("bias", bias), ("runningMean", runningMean),
      ("runningVar", runningVar),
    ] {
      if let t {
        tensorPrecondition(t.shape == [c], "batchNorm2d: \(name) \(t.shape) for \(x.shape)")
      }
    }
    let m = n * plane
    let xp = x.storage.pointer

    // Per-channel mean and 1/sqrt(var + eps) that normalise this call.
    var mean = [Float](repeating: 0, count: c)
    var invStd = [Float](repeating: 0, count: c)
    if training {
      tensorPrecondition(
        m > 1, "batchNorm2d: training needs more than one value per channel, \(x.shape)")
      var variance = [Float](repeating: 0, count: c)
      mean.withUnsafeMutableBufferPointer { meanBuffer in
        variance.withUnsafeMutableBufferPointer { varianceBuffer in
          let (meanOut, varianceOut) = (meanBuffer.baseAddress!, varianceBuffer.baseAddress!)
          parallelItems(c, workPerItem: m) { channel in
            // Two passes (mean, then squared deviations) in Double per plane.
            var sum = 0.0
            for i in 0..<n { sum += Double(sumRange(xp + (i * c + channel) * plane, count: plane)) }
            let mu = sum / Double(m)
            var squares = 0.0
            let muVector = SIMD16<Float>(repeating: Float(mu))
            for i in 0..<n {
              squares += Double(
                sumOfSquaredDeviations(xp + (i * c + channel) * plane, plane, muVector))
            }
            meanOut[channel] = Float(mu)
            varianceOut[channel] = Float(squares / Double(m))
          }
        }
      }
      for channel in 0..<c { invStd[channel] = 1 / (variance[channel] + eps).squareRoot() }
      if let runningMean, let runningVar {
        let (rm, rv) = (runningMean.storage.pointer, runningVar.storage.pointer)
        let unbias = Float(m) / Float(m - 1)
        for channel in 0..<c {
          rm[channel] = (1 - momentum) * rm[channel] + momentum * mean[channel]
          rv[channel] = (1 - momentum) * rv[channel] + momentum * variance[channel] * unbias
        }
      }
    } else {
      tensorPrecondition(
        runningMean != nil && runningVar != nil, "batchNorm2d: evaluation needs running stats")
      let (rm, rv) = (runningMean!.storage.pointer, runningVar!.storage.pointer)
      for channel in 0..<c {
        mean[channel] = rm[channel]
        invStd[channel] = 1 / (rv[channel] + eps).squareRoot()
      }
    }

    // y = x * scale + shift per channel.
    var scale = [Float](repeating: 0, count: c)
    var shift = [Float](repeating: 0, count: c)
    for channel in 0..<c {
      let gamma = weight?.storage.pointer[channel] ?? 1
      let beta = bias?.storage.pointer[channel] ?? 0
      scale[channel] = gamma * invStd[channel]
      shift[channel] = beta - mean[channel] * scale[channel]
    }
    let result = Tensor(uninitializedShape: x.shape)
    let yp = result.storage.pointer
    scale.withUnsafeBufferPointer { scale in
      shift.withUnsafeBufferPointer { shift in
        let (sc, sh) = (scale.baseAddress!, shift.baseAddress!)
        parallelItems(n * c, workPerItem: plane) { index in
          let channel = index % c
          let (a, b) = (sc[channel], sh[channel])
          mapRun(xp + index * plane, yp + index * plane, plane) { $0 * a + b }
        }
      }
    }

    let inputs = [x] + [weight, bias].compactMap { $0 }
    if needsGradient(inputs) {
      result.recordGradient("batchNorm2d", inputs: inputs) { g in
        batchNorm2dBackward(
          g, x, weight: weight, bias: bias, mean: mean, invStd: invStd, training: training)
      }
    }
    return result
  }

  /// Gradients of `batchNorm2d` for `[x, weight?, bias?]`.
  private static func batchNorm2dBackward(
    _ g: Tensor, _ x: Tensor, weight: Tensor?, bias: Tensor?, mean: [Float], invStd: [Float],
    training: Bool
  ) -> [Tensor?] {
    let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    let m = Float(n * plane)
    let (xp, gp) = (x.storage.pointer, g.storage.pointer)

    // Per channel: sum(dy) and sum(dy * xhat).
    var sumGrad = [Float](repeating: 0, count: c)
    var sumGradXhat = [Float](repeating: 0, count: c)
    sumGrad.withUnsafeMutableBufferPointer { sumGrad in
      sumGradXhat.withUnsafeMutableBufferPointer { sumGradXhat in
        let (sg, sgx) = (sumGrad.baseAddress!, sumGradXhat.baseAddress!)
        parallelItems(c, workPerItem: n * plane) { channel in
          var total = 0.0
          var totalXhat = 0.0
          let mu = SIMD16<Float>(repeating: mean[channel])
          for i in 0..<n {
            let offset = (i * c + channel) * plane
            total += Double(sumRange(gp + offset, count: plane))
            totalXhat += Double(sumOfProductsWithDeviation(gp + offset, xp + offset, plane, mu))
          }
          sg[channel] = Float(total)
          sgx[channel] = Float(totalXhat) * invStd[channel]
        }
      }
    }

    var gradients: [Tensor?] = []
    if x.requiresGrad {
      let gx = Tensor(uninitializedShape: x.shape)
      let gxp = gx.storage.pointer
      // Training: dx = gamma invStd (dy - sum(dy)/M - xhat sum(dy xhat)/M).
      // Evaluation: the statistics are constants, dx = gamma invStd dy.
      parallelItems(n * c, workPerItem: plane) { index in
        let channel = index % c
        let gamma = weight?.storage.pointer[channel] ?? 1
        let k = gamma * invStd[channel]
        let offset = index * plane
        if training {
          let meanGrad = sumGrad[channel] / m
          let xhatCoefficient = sumGradXhat[channel] / m * invStd[channel]
          let mu = mean[channel]
          mapRun2(gp + offset, xp + offset, gxp + offset, plane) { dy, xv in
            (dy - meanGrad - (xv - mu) * xhatCoefficient) * k
          }
        } else {
          mapRun(gp + offset, gxp + offset, plane) { $0 * k }
        }
      }
      gradients.append(gx)
    } else {
      gradients.append(nil)
    }
    if let weight {
      gradients.append(weight.requiresGrad ? Tensor(sumGradXhat, shape: [c]) : nil)
    }
    if let bias {
      gradients.append(bias.requiresGrad ? Tensor(sumGrad, shape: [c]) : nil)
    }
    return gradients
  }

  /// Layer normalisation over the last dimension, as
  /// `torch.nn.functional.layer_norm(x, [D], weight, bias, eps)`: each row of `D`
  /// values is normalised with its mean and biased variance, then scaled by `weight`
  /// and shifted by `bias` (`[D]` each, or nil). The result has the input's shape.
  public static func layerNorm(
    _ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5
  ) -> Tensor {
    let d = x.shape.last ?? 1
    for t in [weight, bias].compactMap({ $0 }) {
      tensorPrecondition(t.shape == [d], "layerNorm: parameter \(t.shape) for input \(x.shape)")
    }
    let rows = x.count / max(d, 1)
    var mean = [Float](repeating: 0, count: rows)
    var invStd = [Float](repeating: 0, count: rows)
    let result = Tensor(uninitializedShape: x.shape)
    let (xp, yp) = (x.storage.pointer, result.storage.pointer)
    let (wp, bp) = (weight?.storage.pointer, bias?.storage.pointer)
    mean.withUnsafeMutableBufferPointer { meanBuffer in
      invStd.withUnsafeMutableBufferPointer { invStdBuffer in
        let (meanOut, invStdOut) = (meanBuffer.baseAddress!, invStdBuffer.baseAddress!)
        parallelItems(rows, workPerItem: d) { r in
          let row = xp + r * d
          let mu = sumRange(row, count: d) / Float(d)
          let variance =
            sumOfSquaredDeviations(row, d, SIMD16(repeating: mu)) / Float(d)
          let s = 1 / (variance + eps).squareRoot()
          meanOut[r] = mu
          invStdOut[r] = s
          let out = yp + r * d
          switch (wp, bp) {
          case (let wp?, let bp?):
            mapRun3(row, wp, bp, out, d) { ($0 - mu) * s * $1 + $2 }
          case (let wp?, nil):
            mapRun2(row, wp, out, d) { ($0 - mu) * s * $1 }
          default:
            mapRun(row, out, d) { ($0 - mu) * s }
            if let bp { mapRun2(out, bp, out, d) { $0 + $1 } }
          }
        }
      }
    }

    let inputs = [x] + [weight, bias].compactMap { $0 }
    if needsGradient(inputs) {
      result.recordGradient("layerNorm", inputs: inputs) { g in
        layerNormBackward(g, x, weight: weight, bias: bias, mean: mean, invStd: invStd)
      }
    }
    return result
  }

  /// Gradients of `layerNorm` for `[x, weight?, bias?]`.
  private static func layerNormBackward(
    _ g: Tensor, _ x: Tensor, weight: Tensor?, bias: Tensor?, mean: [Float], invStd: [Float]
  ) -> [Tensor?] {
    let d = x.shape.last ?? 1
    let rows = x.count / max(d, 1)
    let (xp, gp) = (x.storage.pointer, g.storage.pointer)
    let wp = weight?.storage.pointer
    var gradients: [Tensor?] = []

    if x.requiresGrad {
      // dx = invStd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = dy * gamma.
      let gx = Tensor(uninitializedShape: x.shape)
      let gxp = gx.storage.pointer
      let ones = weight == nil ? Tensor.ones([d]) : nil
      let gamma = UnsafePointer(wp ?? ones!.storage.pointer)
      withExtendedLifetime(ones) {
        parallelItems(rows, workPerItem: d) { r in
          layerNormRowBackward(
            x: xp + r * d, dy: gp + r * d, gamma: gamma, dx: gxp + r * d, d: d, mean: mean[r],
            invStd: invStd[r])
        }
      }
      gradients.append(gx)
    } else {
      gradients.append(nil)
    }

    // dweight = sum over rows of dy * xhat, dbias = sum of dy: per fixed block of rows,
    // then the blocks in order, so the sums do not depend on the thread count.
    if weight != nil || bias != nil {
      let block = 64
      let blocks = (rows + block - 1) / block
      var partialWeight = [Float](repeating: 0, count: blocks * d)
      var partialBias = [Float](repeating: 0, count: blocks * d)
      partialWeight.withUnsafeMutableBufferPointer { pw in
        partialBias.withUnsafeMutableBufferPointer { pb in
          let (pwp, pbp) = (pw.baseAddress!, pb.baseAddress!)
          parallelItems(blocks, workPerItem: block * d) { blockIndex in
            let (accW, accB) = (pwp + blockIndex * d, pbp + blockIndex * d)
            for r in (blockIndex * block)..<min(rows, (blockIndex + 1) * block) {
              let (row, dy) = (xp + r * d, gp + r * d)
              let (mu, s) = (mean[r], invStd[r])
              for j in 0..<d {
                accW[j] += dy[j] * (row[j] - mu) * s
                accB[j] += dy[j]
              }
            }
          }
        }
      }
      let gw = Tensor(uninitializedShape: [d])
      let gb = Tensor(uninitializedShape: [d])
      reduceMiddle(partialWeight, outer: 1, reduced: blocks, inner: d, into: gw.storage.pointer)
      reduceMiddle(partialBias, outer: 1, reduced: blocks, inner: d, into: gb.storage.pointer)
      if let weight { gradients.append(weight.requiresGrad ? gw : nil) }
      if let bias { gradients.append(bias.requiresGrad ? gb : nil) }
    }
    return gradients
  }

  /// `x / max(||x||_2, eps)` along `axis`, as `torch.nn.functional.normalize(x, dim:)`.
  /// The result has the input's shape.
  public func l2Normalized(axis: Int = -1, eps: Float = 1e-12) -> Tensor {
    let norm = (self * self).sum(axis: axis, keepDims: true).sqrt()
    return self / norm.clamped(min: eps)
  }

  /// `max(x, minimum)` element-wise, as `torch.clamp_min`; the gradient passes where
  /// `x >= minimum`.
  public func clamped(min minimum: Float) -> Tensor {
    let bound = SIMD16<Float>(repeating: minimum)
    let result = mapRaw(
      vector: { $0.replacing(with: bound, where: $0 .< bound) },
      scalar: { $0 < minimum ? minimum : $0 })
    if Tensor.needsGradient(self) {
      result.recordGradient("clampMin", inputs: [self]) { g in
        [
          Tensor.binaryRaw(
            g, self, vector: { $0.replacing(with: 0, where: $1 .< bound) },
            scalar: { $1 < minimum ? 0 : $0 })
        ]
      }
    }
    return result
  }
}

/// The input gradient of one layer-norm row of `d` values (see `layerNormBackward`).
@inline(__always)
func layerNormRowBackward(
  x: UnsafePointer<Float>, dy: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
  dx: UnsafeMutablePointer<Float>, d: Int, mean: Float, invStd: Float
) {
  let (rx, ry, rg) = (UnsafeRawPointer(x), UnsafeRawPointer(dy), UnsafeRawPointer(gamma))
  let mu = SIMD16<Float>(repeating: mean)

  // Sums of dxhat and of dxhat * (x - mean) over the row.
  var sumVector = SIMD16<Float>()
  var sumCenteredVector = SIMD16<Float>()
  var j = 0
  while j + 16 <= d {
    let dxhat =
      ry.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
      * rg.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
    sumVector += dxhat
    sumCenteredVector.addProduct(
      dxhat, rx.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) - mu)
    j += 16
  }
  var sum = laneSum(sumVector)
  var sumCentered = laneSum(sumCenteredVector)
  for k in j..<d {
    let dxhat = dy[k] * gamma[k]
    sum += dxhat
    sumCentered += dxhat * (x[k] - mean)
  }

  // dx = invStd * (dxhat - a - (x - mean) * b), a = mean(dxhat),
  // b = invStd^2 * mean(dxhat * (x - mean)).
  let a = sum / Float(d)
  let b = sumCentered / Float(d) * invStd * invStd
  let (av, bv, sv) = (
    SIMD16<Float>(repeating: a), SIMD16<Float>(repeating: b), SIMD16<Float>(repeating: invStd)
  )
  j = 0
  while j + 16 <= d {
    let dxhat =
      ry.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
      * rg.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self)
    let centered = rx.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) - mu
    UnsafeMutableRawPointer(dx + j).storeBytes(
      of: sv * (dxhat - av - centered * bv), as: SIMD16<Float>.self)
    j += 16
  }
  for k in j..<d {
    dx[k] = invStd * (dy[k] * gamma[k] - a - (x[k] - mean) * b)
  }
}

/// `sum((x - mu)^2)` over `count` values with sixteen-lane accumulators.
@inline(__always)
func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, _ mu: SIMD16<Float>)
  -> Float
{
  var acc = SIMD16<Float>()
  var i = 0
  while i + 16 <= count {
    let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - mu
    acc.addProduct(d, d)
    i += 16
  }
  var s = laneSum(acc)
  while i < count {
    let d = x[i] - mu[0]
    s += d * d
    i += 1
  }
  return s
}

/// `sum(g * (x - mu))` over `count` values.
@inline(__always)
func sumOfProductsWithDeviation(
  _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, _ mu: SIMD16<Float>
) -> Float {
  var acc = SIMD16<Float>()
  var i = 0
  while i + 16 <= count {
    let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - mu
    acc.addProduct(UnsafeRawPointer(g + i).loadUnaligned(as: SIMD16<Float>.self), d)
    i += 16
  }
  var s = laneSum(acc)
  while i < count {
    s += g[i] * (x[i] - mu[0])
    i += 1
  }
  return s
}

/// `y[i] = f(x[i])` on one task's run: a plain loop that the compiler inlines `f` into
/// and vectorises where it can prove the pointers do not overlap harmfully.
@inline(__always)
func mapRun(
  _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int,
  _ f: (Float) -> Float
) {
  for i in 0..<count { y[i] = f(x[i]) }
}

/// `z[i] = f(x[i], y[i])` on one task's run.
@inline(__always)
func mapRun2(
  _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>,
  _ count: Int, _ f: (Float, Float) -> Float
) {
  for i in 0..<count { z[i] = f(x[i], y[i]) }
}

/// `w[i] = f(x[i], y[i], z[i])` on one task's run.
@inline(__always)
func mapRun3(
  _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
  _ w: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Float, Float, Float) -> Float
) {
  for i in 0..<count { w[i] = f(x[i], y[i], z[i]) }
}
