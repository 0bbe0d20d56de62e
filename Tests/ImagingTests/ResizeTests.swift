import Imaging
import Testing

@Suite("BilinearResize against Pillow")
struct ResizeTests {
  @Test("Image.resize(BILINEAR) matches Pillow byte for byte (shrink, enlarge, mixed)")
  func resizeMatchesPillow() throws {
    for entry in try TransformFixtures.manifest().resize {
      let input = TransformFixtures.syntheticImage(width: entry.width, height: entry.height)
      let output = BilinearResize.resize(input, width: entry.outWidth, height: entry.outHeight)
      let expected = try TransformFixtures.bytes(entry.file)
      let (worst, differing) = TransformFixtures.compare(output.pixels, expected)
      #expect(worst == 0 && differing == 0, "\(entry.file): max diff \(worst), \(differing) bytes")
    }
  }

  @Test("a window of the output equals cropping the full resize")
  func windowEqualsCropOfFullResize() {
    let input = TransformFixtures.syntheticImage(width: 61, height: 47)
    let full = BilinearResize.resize(input, width: 29, height: 83)
    let window = CropBox(top: 11, left: 3, height: 50, width: 17)
    let part = BilinearResize.resample(
      input, source: CropBox(width: 61, height: 47), outputWidth: 29, outputHeight: 83,
      window: window)
    for y in 0..<window.height {
      for x in 0..<window.width {
        for c in 0..<3 {
          let a = part.pixels[(y * window.width + x) * 3 + c]
          let b = full.pixels[((y + window.top) * 29 + x + window.left) * 3 + c]
          #expect(a == b, "pixel (\(x), \(y)) channel \(c)")
        }
      }
    }
  }

  @Test("resizing to the same size returns the image unchanged")
  func identityResize() {
    let input = TransformFixtures.syntheticImage(width: 13, height: 9)
    #expect(BilinearResize.resize(input, width: 13, height: 9) == input)
  }

  @Test("a one-pixel image enlarges to a constant image")
  func enlargeSinglePixel() {
    let input = RGBImage(width: 1, height: 1, pixels: [10, 200, 255])
    let output = BilinearResize.resize(input, width: 5, height: 3)
    for p in 0..<15 { #expect(output.pixels[p] == input.pixels[p % 3]) }
  }
}

@Suite("BilinearResize fast horizontal pass against its reference")
struct ResizeKernelTests {
  @Test("fixed-tap pass equals the per-output pass on shapes that are not tile multiples")
  func fixedTapsMatchReference() {
    for (width, height, outWidth) in [
      (7, 3, 5), (13, 2, 29), (61, 4, 73), (500, 3, 256), (5, 2, 1),
      (3, 2, 2), (2, 2, 9), (97, 5, 13),
    ] {
      let image = TransformFixtures.syntheticImage(width: width, height: height)
      let weights = ResampleWeights(inputSize: width, outputSize: outWidth)
      var fast = [UInt8](repeating: 0, count: height * outWidth * 3)
      var reference = fast
      image.pixels.withUnsafeBufferPointer { input in
        fast.withUnsafeMutableBufferPointer { out in
          BilinearResize.horizontalPass(
            input.baseAddress!, stride: width * 3, rows: height, weights: weights,
            outputColumns: 0..<outWidth, into: out.baseAddress!)
        }
        reference.withUnsafeMutableBufferPointer { out in
          BilinearResize.horizontalPassReference(
            input.baseAddress!, stride: width * 3, rows: height, weights: weights,
            outputColumns: 0..<outWidth, into: out.baseAddress!)
        }
      }
      #expect(fast == reference, "\(width)x\(height) -> \(outWidth)")
    }
  }
}
