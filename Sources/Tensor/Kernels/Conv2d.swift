// The convolution kernels' public entry points. Strategies, chosen per geometry:
// - forward: an implicit GEMM on per-image "phase planes" (Conv2dPlan), the input
//   padded and split by stride phase so that every filter tap is a constant offset the
//   8 x 48 register tile reads in place; for small images (14x14, 7x7) an im2col of a
//   group of images, so that tiles are not mostly junk. 1x1 stride-1 convolutions of
//   large images read the input itself. Bias, a residual sum and ReLU are applied as
//   the outputs are written (Conv2dEpilogue). 3x3 stride-1 layers run Winograd
//   F(4x4, 3x3) instead (Conv2d+Winograd.swift), the epilogue fused into its output
//   transform: from 64 channels on weights packed once for inference
//   (PackedConv2dWeights); with SPURIOUS_WINOGRAD_TRAINING=1 also from 128 to 256
//   channels on plain weights (training), transformed on every call.
// - backward-data: stride 1 is the forward kernel (Winograd included) on gradOutput
//   with flipped weights; other strides are a GEMM into per-image columns, then
//   col2im.
// - backward-weight: 4 x 6 dot-product tiles over the planes (or the im2col group),
//   image after image.
// Every output element is computed by one task with its reduction in a fixed order,
// so results are bitwise the same for any thread count. Scratch memory is per thread
// and reused across calls (KernelScratch). Figures: BENCHMARKS.md.

/// Convolution forward: `output = conv(input, weight) + bias`. Buffers as described
/// by `Conv2dGeometry`; `bias` has `outChannels` values or is nil. Output is
/// overwritten.
public func conv2dForward(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
) {
  conv2dForward(g, input: input, weight: weight, bias: bias, output: output, pool: .shared)
}

/// `conv2dForward` on the threads of `pool`, each output then put through `epilogue`
/// (residual sum, ReLU).
public func conv2dForward(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  epilogue: Conv2dEpilogue = .none, pool: ThreadPool
) {
  conv2dForwardPlanes(
    g, input: input, weight: weight, bias: bias, output: output, epilogue: epilogue,
    pool: pool)
}

/// `conv2dForward` with weights packed beforehand (inference).
public func conv2dForward(
  _ g: Conv2dGeometry, input: UnsafePointer<Float>, packedWeights: PackedConv2dWeights,
  bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  epilogue: Conv2dEpilogue = .none, pool: ThreadPool = .shared
) {
  conv2dForwardPlanes(
    g, input: input, weight: nil, packed: packedWeights, bias: bias, output: output,
    epilogue: epilogue, pool: pool)
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
