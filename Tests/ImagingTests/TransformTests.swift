import Imaging
import Testing

@Suite("EvaluationTransform and TrainingTransform against torchvision")
struct TransformTests {
  @Test("Resize((256,256)) + CenterCrop(224) matches torchvision on four input sizes")
  func evaluationCropMatchesTorchvision() throws {
    let transform = EvaluationTransform(cropSize: 224)
    #expect(transform.resizeSize == 256)
    for entry in try TransformFixtures.manifest().eval {
      let input = TransformFixtures.syntheticImage(width: entry.width, height: entry.height)
      let crop = transform.crop(input)
      #expect(crop.width == 224 && crop.height == 224)
      let (worst, differing) = TransformFixtures.compare(
        crop.pixels, try TransformFixtures.bytes(entry.file))
      #expect(worst == 0 && differing == 0, "\(entry.file): max diff \(worst), \(differing) bytes")
    }
  }

  @Test("ToTensor + Normalize equals torchvision's value for every byte and channel")
  func normalizationMatchesTorchvision() throws {
    let expected = try TransformFixtures.floats("normalize_table.f32")
    let normalization = ImageNormalization.imageNet
    for c in 0..<3 {
      for v in 0..<256 {
        #expect(normalization.value(UInt8(v), channel: c) == expected[c * 256 + v])
      }
    }
  }

  @Test("the normalised planes are CHW and mirror when flipped")
  func planesLayoutAndFlip() {
    let image = RGBImage(width: 2, height: 1, pixels: [0, 10, 20, 255, 128, 64])
    let n = ImageNormalization.imageNet
    let planes = n.planes(of: image)
    #expect(
      planes == [
        n.value(0, channel: 0), n.value(255, channel: 0),
        n.value(10, channel: 1), n.value(128, channel: 1),
        n.value(20, channel: 2), n.value(64, channel: 2),
      ])
    let mirrored = n.planes(of: image, flipped: true)
    #expect(mirrored == [planes[1], planes[0], planes[3], planes[2], planes[5], planes[4]])
  }

  @Test("resized_crop with a given box matches torchvision")
  func resizedCropMatchesTorchvision() throws {
    let transform = TrainingTransform()
    for entry in try TransformFixtures.manifest().resizedCrop {
      let input = TransformFixtures.syntheticImage(width: entry.width, height: entry.height)
      let box = CropBox(
        top: entry.top, left: entry.left, height: entry.cropHeight, width: entry.cropWidth)
      let output = transform.resizedCrop(input, box: box)
      let (worst, differing) = TransformFixtures.compare(
        output.pixels, try TransformFixtures.bytes(entry.file))
      #expect(worst == 0 && differing == 0, "\(entry.file): max diff \(worst), \(differing) bytes")
    }
  }
}
