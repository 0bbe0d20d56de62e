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
    let planes = self.planes ?? inverseTransform(frame)
    let width = frame.width
    let height = frame.height
    // Every byte is written below, so the array need not be zeroed first.
    var pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { _, count in
      count = width * height * 3
    }

    let upsamplers = frame.components.indices.map { i in
      let c = frame.components[i]
      return JPEGUpsampler(
        method: JPEGUpsampler.method(
          h: c.horizontalSampling, v: c.verticalSampling, hmax: frame.maxHorizontalSampling,
          vmax: frame.maxVerticalSampling, planeWidth: c.width),
        plane: planes.plane(i), stride: c.widthInBlocks * 8,
        width: c.width, height: c.height)
    }
    // Each scratch row holds an upsampled row: 2 * plane width or the output width, and
    // up to 4x the plane width when a component is replicated 4:1.
    let scratchWidth = frame.components.map { $0.width * 4 }.max()! + width + 8
    let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchWidth * 3)
    defer {
      scratch.deallocate()
      withExtendedLifetime(planes) {}
    }

    pixels.withUnsafeMutableBufferPointer { output in
      let out = output.baseAddress!
      var rows = [UnsafePointer<UInt8>](repeating: UnsafePointer(scratch), count: 3)
      for y in 0..<height {
        let rowOut = out + y * width * 3
        for i in upsamplers.indices {
          rows[i] = upsamplers[i].row(y, outputWidth: width, scratch: scratch + i * scratchWidth)
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

  /// Runs the inverse DCT over the stored coefficients of every block that holds samples.
  func inverseTransform(_ frame: JPEGFrame) -> JPEGPlanes {
    let planes = JPEGPlanes(frame)
    coefficients.withUnsafeBufferPointer { storage in
      for (i, c) in frame.components.enumerated() {
        for row in 0..<c.heightInBlocks {
          planes.transformRow(
            component: i, blockRow: row,
            coefficients: storage.baseAddress! + c.coefficientOffset + row * c.blocksPerLine * 64,
            quantization: c.quantization)
        }
      }
    }
    return planes
  }
}

/// The decoded sample planes of a frame, one per component, each `widthInBlocks * 8`
/// bytes wide and `heightInBlocks * 8` rows high, in one allocation freed on deinit.
final class JPEGPlanes {
  let base: UnsafeMutablePointer<UInt8>
  let offsets: [Int]
  let components: [JPEGComponent]

  init(_ frame: JPEGFrame) {
    var offsets: [Int] = []
    var total = 0
    for c in frame.components {
      offsets.append(total)
      total += c.widthInBlocks * 8 * c.heightInBlocks * 8
    }
    base = .allocate(capacity: max(total, 1))
    self.offsets = offsets
    components = frame.components
  }

  deinit { base.deallocate() }

  func plane(_ component: Int) -> UnsafePointer<UInt8> { UnsafePointer(base + offsets[component]) }

  /// Inverse-transforms the `widthInBlocks` blocks at `coefficients` (one block row of the
  /// padded grid) into block row `blockRow` of the component's plane; rows past the
  /// plane (MCU padding) are skipped. A component that no scan covered has no latched
  /// table; its blocks are all zero and decode to mid-gray with a zero table.
  func transformRow(
    component: Int, blockRow: Int, coefficients: UnsafePointer<Int16>, quantization: [Int32]
  ) {
    let c = components[component]
    guard blockRow < c.heightInBlocks else { return }
    let table = quantization.isEmpty ? [Int32](repeating: 0, count: 64) : quantization
    let stride = c.widthInBlocks * 8
    let rowStart = base + offsets[component] + blockRow * 8 * stride
    table.withUnsafeBufferPointer { q in
      for column in 0..<c.widthInBlocks {
        JPEGInverseDCT.transformBlock(
          coefficients + column * 64, q.baseAddress!, rowStart + column * 8, stride: stride)
      }
    }
  }
}
