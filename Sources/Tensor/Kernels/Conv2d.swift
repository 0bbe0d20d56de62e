/// Convolution forward: `output = conv(input, weight) + bias`. Buffers as described
/// by `Conv2dGeometry`; `bias` has `outChannels` values or is nil. Output is
/// overwritten.
public func conv2dForward(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
) {
  conv2dForward(g, input: input, weight: weight, bias: bias, output: output, pool: .shared)
}

/// `conv2dForward` on the threads of `pool`.
public func conv2dForward(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, pool: ThreadPool
) {
  conv2dForwardPlanes(g, input: input, weight: weight, bias: bias, output: output, pool: pool)
}

/// Gradient of the input: `gradInput = conv_transpose(gradOutput, weight)`.
/// `gradInput` is overwritten.
public func conv2dBackwardData(
  _ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>
) {
  conv2dBackwardData(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput, pool: .shared)
}

/// `conv2dBackwardData` on the threads of `pool`.
public func conv2dBackwardData(
  _ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, pool: ThreadPool
) {
  conv2dBackwardDataFast(
    g, gradOutput: gradOutput, weight: weight, gradInput: gradInput, pool: pool)
}

/// Gradient of the weight, summed over the batch. `gradWeight` is overwritten.
public func conv2dBackwardWeight(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradWeight: UnsafeMutablePointer<Float>
) {
  conv2dBackwardWeight(
    g, input: input, gradOutput: gradOutput, gradWeight: gradWeight, pool: .shared)
}

/// `conv2dBackwardWeight` on the threads of `pool`.
public func conv2dBackwardWeight(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradWeight: UnsafeMutablePointer<Float>, pool: ThreadPool
) {
  conv2dBackwardWeightPlanes(
    g, input: input, gradOutput: gradOutput, gradWeight: gradWeight, pool: pool)
}
