// 2-D convolution (on the conv kernels), max pooling and adaptive average pooling,
// all on NCHW tensors, with their gradients.

extension Tensor {
  /// The 2-D cross-correlation of `x` with `weight`, plus `bias`, as
  /// `torch.nn.functional.conv2d` with groups 1 and no dilation.
  ///
  /// `x` is `[N, C, H, W]`, `weight` `[O, C, kH, kW]`, `bias` `[O]` or nil; the result
  /// is `[N, O, (H + 2 padding - kH) / stride + 1, (W + 2 padding - kW) / stride + 1]`.
  public static func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0
  ) -> Tensor {
    let geometry = convolutionGeometry(
      x, weightShape: weight.shape, bias: bias, stride: stride, padding: padding)
    let result = Tensor(uninitializedShape: [
      geometry.batch, geometry.outChannels, geometry.outHeight, geometry.outWidth,
    ])
    conv2dForward(
      geometry, input: x.storage.pointer, weight: weight.storage.pointer,
      bias: bias.map { UnsafePointer($0.storage.pointer) }, output: result.storage.pointer)

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    if needsGradient(inputs) {
      result.recordGradient("conv2d", inputs: inputs) { g in
        var gradients: [Tensor?] = []
        if x.requiresGrad {
          let gx = Tensor(uninitializedShape: x.shape)
          conv2dBackwardData(
            geometry, gradOutput: g.storage.pointer, weight: weight.storage.pointer,
            gradInput: gx.storage.pointer)
          gradients.append(gx)
        } else {
          gradients.append(nil)
        }
        if weight.requiresGrad {
          let gw = Tensor(uninitializedShape: weight.shape)
          conv2dBackwardWeight(
            geometry, input: x.storage.pointer, gradOutput: g.storage.pointer,
            gradWeight: gw.storage.pointer)
          gradients.append(gw)
        } else {
          gradients.append(nil)
        }
        if let bias {
          gradients.append(
            bias.requiresGrad ? g.sumRaw(axes: [0, 2, 3]).reshapedRaw(bias.shape) : nil)
        }
        return gradients
      }
    }
    return result
  }

  /// `relu(conv2d(x, weight, bias) + residual)` (each part optional), as the ResNet
  /// bottleneck ends. Without a gradient to record (inference) the sum and the ReLU
  /// are applied as the convolution writes its outputs, one pass over memory instead
  /// of three; with one, the separate ops record their backward steps.
  public static func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
    residual: Tensor?, relu: Bool
  ) -> Tensor {
    let inputs = [x, weight] + (bias.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
    if needsGradient(inputs) {
      var y = conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
      if let residual { y = y + residual }
      return relu ? y.relu() : y
    }
    let geometry = convolutionGeometry(
      x, weightShape: weight.shape, bias: bias, stride: stride, padding: padding)
    let outputShape = [
      geometry.batch, geometry.outChannels, geometry.outHeight, geometry.outWidth,
    ]
    if let residual {
      tensorPrecondition(
        residual.shape == outputShape,
        "conv2d: residual \(residual.shape) does not match output \(outputShape)")
    }
    let result = Tensor(uninitializedShape: outputShape)
    let epilogue = Conv2dEpilogue(
      residual: residual.map { UnsafePointer($0.storage.pointer) }, relu: relu)
    conv2dForward(
      geometry, input: x.storage.pointer, weight: weight.storage.pointer,
      bias: bias.map { UnsafePointer($0.storage.pointer) }, output: result.storage.pointer,
      epilogue: epilogue, pool: .shared)
    return result
  }

  /// The geometry of `conv2d(x, weight, bias)` for weights of `weightShape`; traps
  /// with both shapes unless they make a convolution.
  private static func convolutionGeometry(
    _ x: Tensor, weightShape: [Int], bias: Tensor?, stride: Int, padding: Int
  ) -> Conv2dGeometry {
    tensorPrecondition(
      x.rank == 4 && weightShape.count == 4 && x.shape[1] == weightShape[1],
      "conv2d: input \(x.shape) does not match weight \(weightShape)")
    tensorPrecondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride), padding \(padding)")
    let geometry = Conv2dGeometry(
      batch: x.shape[0], inChannels: x.shape[1], height: x.shape[2], width: x.shape[3],
      outChannels: weightShape[0], kernelHeight: weightShape[2], kernelWidth: weightShape[3],
      strideHeight: stride, strideWidth: stride, paddingHeight: padding, paddingWidth: padding)
    tensorPrecondition(
      geometry.outHeight >= 1 && geometry.outWidth >= 1,
      "conv2d: kernel \(weightShape) larger than padded input \(x.shape)")
    if let bias {
      tensorPrecondition(
        bias.shape == [weightShape[0]], "conv2d: bias \(bias.shape), weight \(weightShape)")
    }
    return geometry
  }

  /// `relu(conv2d(x, weight) + bias + residual)` on weights packed beforehand, for
  /// inference: nothing is recorded for autograd, so `x` must not need a gradient.
  /// Same values as `conv2d(_:weight:bias:stride:padding:residual:relu:)` on the
  /// weights that were packed.
  public static func conv2d(
    _ x: Tensor, packedWeight: PackedConv2dWeights, bias: Tensor? = nil, stride: Int = 1,
    padding: Int = 0, residual: Tensor? = nil, relu: Bool = false
  ) -> Tensor {
    tensorPrecondition(
      !needsGradient(x) && !(residual.map(needsGradient) ?? false)
        && !(bias.map(needsGradient) ?? false),
      "conv2d: packed weights are for inference; the input needs a gradient")
    let geometry = convolutionGeometry(
      x, weightShape: packedWeight.shape, bias: bias, stride: stride, padding: padding)
    let result = Tensor(uninitializedShape: [
      geometry.batch, geometry.outChannels, geometry.outHeight, geometry.outWidth,
    ])
    if let residual {
      tensorPrecondition(
        residual.shape == result.shape,
        "conv2d: residual \(residual.shape) does not match output \(result.shape)")
    }
    conv2dForward(
      geometry, input: x.storage.pointer, packedWeights: packedWeight,
      bias: bias.map { UnsafePointer($0.storage.pointer) }, output: result.storage.pointer,
      epilogue: Conv2dEpilogue(
        residual: residual.map { UnsafePointer($0.storage.pointer) }, relu: relu))
    return result
  }

  /// Max pooling over `kernelSize x kernelSize` windows, as
  /// `torch.nn.functional.max_pool2d` (no dilation, floor mode). Padding counts as
  /// minus infinity. Where several values tie for the maximum the first in row-major
  /// window order receives the gradient, as PyTorch's CPU kernel; NaN propagates.
  ///
  /// `x` is `[N, C, H, W]`; the result is `[N, C, (H + 2 padding - k) / stride + 1, ...]`.
  public func maxPool2d(kernelSize: Int, stride: Int, padding: Int = 0) -> Tensor {
    tensorPrecondition(rank == 4, "maxPool2d: input must be [N, C, H, W], got \(shape)")
    tensorPrecondition(
      kernelSize >= 1 && stride >= 1 && padding >= 0 && padding * 2 <= kernelSize,
      "maxPool2d: kernel \(kernelSize), stride \(stride), padding \(padding)")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    let oh = (h + 2 * padding - kernelSize) / stride + 1
    let ow = (w + 2 * padding - kernelSize) / stride + 1
    tensorPrecondition(oh >= 1 && ow >= 1, "maxPool2d: window larger than padded input \(shape)")
    let result = Tensor(uninitializedShape: [n, c, oh, ow])
    let planes = n * c
    if !Tensor.needsGradient(self) {
      maxPoolValues(
        storage.pointer, into: result.storage.pointer, planes: planes, height: h, width: w,
        kernelSize: kernelSize, stride: stride, padding: padding)
      return result
    }
    // Index within its input plane of each output's maximum, for the backward step.
    var argmax = [Int32](repeating: 0, count: planes * oh * ow)
    let (x, y) = (storage.pointer, result.storage.pointer)
    argmax.withUnsafeMutableBufferPointer { argmax in
      let indices = argmax.baseAddress!
      parallelItems(planes, workPerItem: h * w) { plane in
        let input = x + plane * h * w
        let output = y + plane * oh * ow
        let index = indices + plane * oh * ow
        for oy in 0..<oh {
          let y0 = oy * stride - padding
          let yRange = max(0, y0)..<min(h, y0 + kernelSize)
          for ox in 0..<ow {
            let x0 = ox * stride - padding
            let xRange = max(0, x0)..<min(w, x0 + kernelSize)
            var best = -Float.infinity
            var bestIndex = yRange.lowerBound * w + xRange.lowerBound
            for iy in yRange {
              for ix in xRange {
                let v = input[iy * w + ix]
                if v > best || v.isNaN {
                  best = v
                  bestIndex = iy * w + ix
                }
              }
            }
            output[oy * ow + ox] = best
            index[oy * ow + ox] = Int32(bestIndex)
          }
        }
      }
    }
    if Tensor.needsGradient(self) {
      let inputShape = shape
      result.recordGradient("maxPool2d", inputs: [self]) { g in
        let gx = Tensor.zeros(inputShape)
        let (gxp, gyp) = (gx.storage.pointer, g.storage.pointer)
        argmax.withUnsafeBufferPointer { argmax in
          let indices = argmax.baseAddress!
          parallelItems(planes, workPerItem: h * w) { plane in
            let target = gxp + plane * h * w
            let source = gyp + plane * oh * ow
            let index = indices + plane * oh * ow
            for i in 0..<(oh * ow) { target[Int(index[i])] += source[i] }
          }
        }
        return [gx]
      }
    }
    return result
  }

  /// Average pooling to a fixed output size, as
  /// `torch.nn.functional.adaptive_avg_pool2d`: output cell `i` averages input rows
  /// `floor(i H / outH) ..< ceil((i + 1) H / outH)`, and likewise for columns.
  ///
  /// `x` is `[N, C, H, W]`; the result is `[N, C, outputHeight, outputWidth]`.
  public func adaptiveAvgPool2d(outputHeight: Int = 1, outputWidth: Int = 1) -> Tensor {
    tensorPrecondition(rank == 4, "adaptiveAvgPool2d: input must be [N, C, H, W], got \(shape)")
    tensorPrecondition(outputHeight >= 1 && outputWidth >= 1, "adaptiveAvgPool2d: output size")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    let (oh, ow) = (outputHeight, outputWidth)
    let planes = n * c
    let result = Tensor(uninitializedShape: [n, c, oh, ow])
    let (x, y) = (storage.pointer, result.storage.pointer)
    let rows = (0..<oh).map { i in (i * h / oh)..<((i + 1) * h + oh - 1) / oh }
    let cols = (0..<ow).map { j in (j * w / ow)..<((j + 1) * w + ow - 1) / ow }
    parallelItems(planes, workPerItem: h * w) { plane in
      let input = x + plane * h * w
      let output = y + plane * oh * ow
      if oh == 1 && ow == 1 {
        output[0] = sumRange(input, count: h * w) / Float(h * w)
        return
      }
      for i in 0..<oh {
        for j in 0..<ow {
          var sum: Float = 0
          for iy in rows[i] {
            for ix in cols[j] { sum += input[iy * w + ix] }
          }
          output[i * ow + j] = sum / Float(rows[i].count * cols[j].count)
        }
      }
    }
    if Tensor.needsGradient(self) {
      let inputShape = shape
      result.recordGradient("adaptiveAvgPool2d", inputs: [self]) { g in
        let gx = Tensor.zeros(inputShape)
        let (gxp, gyp) = (gx.storage.pointer, g.storage.pointer)
        parallelItems(planes, workPerItem: h * w) { plane in
          let target = gxp + plane * h * w
          let source = gyp + plane * oh * ow
          for i in 0..<oh {
            for j in 0..<ow {
              let share = source[i * ow + j] / Float(rows[i].count * cols[j].count)
              for iy in rows[i] {
                for ix in cols[j] { target[iy * w + ix] += share }
              }
            }
          }
        }
        return [gx]
      }
    }
    return result
  }
}

/// The larger of `a` and `b`, NaN if either is NaN (max pooling propagates NaN).
@inline(__always)
private func maxPropagatingNaN(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
  b.replacing(with: a, where: (a .> b) .| (a .!= a))
}

/// Max pooling's values without the argmax the backward step needs (inference): per
/// output row, the column-wise maximum of the window's input rows, sixteen columns at
/// a time, then the maximum across each window of that row. Same values as the
/// tracking loop, NaN included.
private func maxPoolValues(
  _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, planes: Int, height h: Int,
  width w: Int, kernelSize: Int, stride: Int, padding: Int
) {
  let oh = (h + 2 * padding - kernelSize) / stride + 1
  let ow = (w + 2 * padding - kernelSize) / stride + 1
  parallelItems(planes, workPerItem: h * w) { plane in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: w) { buffer in
      let rowMax = buffer.baseAddress!
      let input = x + plane * h * w
      let output = y + plane * oh * ow
      for oy in 0..<oh {
        let y0 = oy * stride - padding
        let yRange = max(0, y0)..<min(h, y0 + kernelSize)
        rowMax.update(from: input + yRange.lowerBound * w, count: w)
        for iy in yRange.dropFirst() {
          let row = input + iy * w
          var i = 0
          while i + 16 <= w {
            let a = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(rowMax + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(rowMax + i).storeBytes(
              of: maxPropagatingNaN(a, b), as: SIMD16<Float>.self)
            i += 16
          }
          while i < w {
            if row[i] > rowMax[i] || row[i].isNaN { rowMax[i] = row[i] }
            i += 1
          }
        }
        let target = output + oy * ow
        func windowMax(_ ox: Int) {
          let x0 = ox * stride - padding
          var best = -Float.infinity
          for ix in max(0, x0)..<min(w, x0 + kernelSize) {
            let v = rowMax[ix]
            if v > best || v.isNaN { best = v }
          }
          target[ox] = best
        }
        var start = 0
        if kernelSize == 3 && stride == 2 && padding == 1 {
          // ResNet's stem pool: output ox is the maximum of row values 2ox-1, 2ox and
          // 2ox+1, i.e. of the odd value before, the even value and the odd value
          // after; sixteen outputs from two 32-wide loads split into even and odd
          // lanes. Output 0 (its window starts in the padding) and the last outputs,
          // whose loads would pass the row's end, are left to the loop below.
          start = 1
          while start + 16 <= ow && 2 * start + 32 <= w {
            let from = rowMax + 2 * start
            let current = UnsafeRawPointer(from).loadUnaligned(as: SIMD32<Float>.self)
            let before = UnsafeRawPointer(from - 1).loadUnaligned(as: SIMD32<Float>.self)
            let best = maxPropagatingNaN(
              maxPropagatingNaN(before.evenHalf, current.evenHalf), current.oddHalf)
            UnsafeMutableRawPointer(target + start).storeBytes(of: best, as: SIMD16<Float>.self)
            start += 16
          }
          if start == 1 { start = 0 }
          if start > 0 { windowMax(0) }
        }
        for ox in start..<ow { windowMax(ox) }
      }
    }
  }
}
