/// The sizes of one 2-D convolution (groups = 1, no dilation), as PyTorch defines it.
///
/// Input is `[batch, inChannels, height, width]`, weight `[outChannels, inChannels,
/// kernelHeight, kernelWidth]`, output `[batch, outChannels, outHeight, outWidth]`,
/// all contiguous row-major (NCHW / OIHW).
public struct Conv2dGeometry: Hashable, Sendable {
  public var batch: Int
  public var inChannels: Int
  public var height: Int
  public var width: Int
  public var outChannels: Int
  public var kernelHeight: Int
  public var kernelWidth: Int
  public var strideHeight: Int
  public var strideWidth: Int
  public var paddingHeight: Int
  public var paddingWidth: Int

  public init(
    batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
    kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
    paddingHeight: Int = 0, paddingWidth: Int = 0
  ) {
    self.batch = batch
    self.inChannels = inChannels
    self.height = height
    self.width = width
    self.outChannels = outChannels
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.strideHeight = strideHeight
    self.strideWidth = strideWidth
    self.paddingHeight = paddingHeight
    self.paddingWidth = paddingWidth
  }

  /// `floor((height + 2 * padding - kernel) / stride) + 1`, as PyTorch.
  public var outHeight: Int { (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1 }
  /// `floor((width + 2 * padding - kernel) / stride) + 1`, as PyTorch.
  public var outWidth: Int { (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1 }

  /// Multiply-adds times two for one forward pass.
  public var forwardFlops: Double {
    2.0 * Double(batch * outChannels * outHeight * outWidth)
      * Double(inChannels * kernelHeight * kernelWidth)
  }
}
