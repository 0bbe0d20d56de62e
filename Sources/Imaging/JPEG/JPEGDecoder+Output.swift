/// The last stages of a decode: inverse DCT of every block into sample planes, then, row
/// by row, upsampling and colour conversion into the RGB result.
extension JPEGDecodingState {
  func makeImage() throws -> RGBImage {
    guard let frame = frame else {
      throw JPEGError.corrupt(marker: "EOI", offset: count, reason: "no frame header (SOF)")
    }
    guard scanCount > 0 else {
      throw JPEGError.corrupt(marker: "EOI", offset: count, reason: "no scan (SOS)")
    }
    let space = colorSpace(frame)
    let planes = inverseTransform(frame)
    let width = frame.width
    let height = frame.height
    var pixels = [UInt8](repeating: 0, count: width * height * 3)

    let upsamplers = frame.components.indices.map { i in
      let c = frame.components[i]
      return JPEGUpsampler(
        method: JPEGUpsampler.method(
          h: c.horizontalSampling, v: c.verticalSampling, hmax: frame.maxHorizontalSampling,
          vmax: frame.maxVerticalSampling, planeWidth: c.width),
        plane: planes.baseAddress + planes.offsets[i], stride: c.widthInBlocks * 8,
        width: c.width, height: c.height)
    }
    // Each scratch row holds an upsampled row: 2 * plane width or the output width, and
    // up to 4x the plane width when a component is replicated 4:1.
    let scratchWidth = frame.components.map { $0.width * 4 }.max()! + width + 8
    let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchWidth * 3)
    defer {
      scratch.deallocate()
      planes.baseAddress.deallocate()
    }

    pixels.withUnsafeMutableBufferPointer { output in
      let out = output.baseAddress!
      for y in 0..<height {
        let rowOut = out + y * width * 3
        let rows = upsamplers.indices.map { i in
          upsamplers[i].row(y, outputWidth: width, scratch: scratch + i * scratchWidth)
        }
        switch space {
        case .gray:
          JPEGColorConverter.expandGray(rows[0], width: width, into: rowOut)
        case .yCbCr:
          JPEGColorConverter.convertYCbCr(rows[0], rows[1], rows[2], width: width, into: rowOut)
        case .rgb:
          JPEGColorConverter.interleave(rows[0], rows[1], rows[2], width: width, into: rowOut)
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// libjpeg's guess of the colour space (jdapimin.c `default_decompress_parms`): JFIF
  /// means YCbCr; otherwise an Adobe APP14 transform 0 means RGB; otherwise component ids
  /// 'R','G','B' mean RGB; anything else with 3 components is YCbCr.
  func colorSpace(_ frame: JPEGFrame) -> JPEGColorConverter.Space {
    if frame.components.count == 1 { return .gray }
    if sawJFIF { return .yCbCr }
    if let transform = adobeTransform { return transform == 0 ? .rgb : .yCbCr }
    let ids = frame.components.map(\.id)
    return ids == [0x52, 0x47, 0x42] ? .rgb : .yCbCr
  }

  /// Runs the inverse DCT over the blocks that hold samples of each component, into one
  /// allocation of planes (`widthInBlocks * 8` bytes per row); the caller frees it.
  func inverseTransform(_ frame: JPEGFrame) -> (
    baseAddress: UnsafeMutablePointer<UInt8>, offsets: [Int]
  ) {
    var offsets: [Int] = []
    var total = 0
    for c in frame.components {
      offsets.append(total)
      total += c.widthInBlocks * 8 * c.heightInBlocks * 8
    }
    let planes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
    let workspace = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
    defer { workspace.deallocate() }
    coefficients.withUnsafeBufferPointer { storage in
      for (i, c) in frame.components.enumerated() {
        // A component that no scan covered has no latched table; its blocks are all zero.
        let table = c.quantization.isEmpty ? [Int32](repeating: 0, count: 64) : c.quantization
        let stride = c.widthInBlocks * 8
        table.withUnsafeBufferPointer { quantization in
          for row in 0..<c.heightInBlocks {
            for column in 0..<c.widthInBlocks {
              JPEGInverseDCT.transformBlock(
                storage.baseAddress! + c.coefficientOffset + (row * c.blocksPerLine + column) * 64,
                quantization.baseAddress!,
                planes + offsets[i] + row * 8 * stride + column * 8, stride: stride,
                workspace: workspace)
            }
          }
        }
      }
    }
    return (planes, offsets)
  }
}
