// Plain loops over the definition of convolution: the twins that the fast kernels
// are tested against. Slow on purpose; never used on a hot path.

/// Reference twin of `conv2dForward`, the epilogue applied after each sum.
public func conv2dForwardReference(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  epilogue: Conv2dEpilogue = .none
) {
  let (oh, ow) = (g.outHeight, g.outWidth)
  for n in 0..<g.batch {
    for o in 0..<g.outChannels {
      for y in 0..<oh {
        for x in 0..<ow {
          var sum: Float = bias?[o] ?? 0
          for c in 0..<g.inChannels {
            for ky in 0..<g.kernelHeight {
              let iy = y * g.strideHeight - g.paddingHeight + ky
              if iy < 0 || iy >= g.height { continue }
              for kx in 0..<g.kernelWidth {
                let ix = x * g.strideWidth - g.paddingWidth + kx
                if ix < 0 || ix >= g.width { continue }
                let inputValue = input[((n * g.inChannels + c) * g.height + iy) * g.width + ix]
                let w = weight[((o * g.inChannels + c) * g.kernelHeight + ky) * g.kernelWidth + kx]
                sum += inputValue * w
              }
            }
          }
          let index = ((n * g.outChannels + o) * oh + y) * ow + x
          if let residual = epilogue.residual { sum += residual[index] }
          output[index] = epilogue.relu && sum < 0 ? 0 : sum
        }
      }
    }
  }
}

/// Reference twin of `conv2dBackwardData`.
public func conv2dBackwardDataReference(
  _ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>
) {
  let (oh, ow) = (g.outHeight, g.outWidth)
  gradInput.update(repeating: 0, count: g.batch * g.inChannels * g.height * g.width)
  for n in 0..<g.batch {
    for o in 0..<g.outChannels {
      for y in 0..<oh {
        for x in 0..<ow {
          let go = gradOutput[((n * g.outChannels + o) * oh + y) * ow + x]
          for c in 0..<g.inChannels {
            for ky in 0..<g.kernelHeight {
              let iy = y * g.strideHeight - g.paddingHeight + ky
              if iy < 0 || iy >= g.height { continue }
              for kx in 0..<g.kernelWidth {
                let ix = x * g.strideWidth - g.paddingWidth + kx
                if ix < 0 || ix >= g.width { continue }
                let w = weight[((o * g.inChannels + c) * g.kernelHeight + ky) * g.kernelWidth + kx]
                gradInput[((n * g.inChannels + c) * g.height + iy) * g.width + ix] += go * w
              }
            }
          }
        }
      }
    }
  }
}

/// Reference twin of `conv2dBackwardWeight`.
public func conv2dBackwardWeightReference(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradWeight: UnsafeMutablePointer<Float>
) {
  let (oh, ow) = (g.outHeight, g.outWidth)
  gradWeight.update(
    repeating: 0, count: g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth)
  for n in 0..<g.batch {
    for o in 0..<g.outChannels {
      for y in 0..<oh {
        for x in 0..<ow {
          let go = gradOutput[((n * g.outChannels + o) * oh + y) * ow + x]
          for c in 0..<g.inChannels {
            for ky in 0..<g.kernelHeight {
              let iy = y * g.strideHeight - g.paddingHeight + ky
              if iy < 0 || iy >= g.height { continue }
              for kx in 0..<g.kernelWidth {
                let ix = x * g.strideWidth - g.paddingWidth + kx
                if ix < 0 || ix >= g.width { continue }
                let inputValue = input[((n * g.inChannels + c) * g.height + iy) * g.width + ix]
                gradWeight[((o * g.inChannels + c) * g.kernelHeight + ky) * g.kernelWidth + kx] +=
                  go * inputValue
              }
            }
          }
        }
      }
    }
  }
}
