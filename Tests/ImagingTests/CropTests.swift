import Imaging
import Testing

@Suite("Crop boxes: centre crop and RandomResizedCrop parameters")
struct CropTests {
  @Test("CenterCrop offsets are int(round((H - size) / 2)) with half to even")
  func centerOffsets() {
    #expect(
      CropBox.center(size: 224, width: 256, height: 256)
        == CropBox(
          top: 16, left: 16, height: 224, width: 224))
    // (5 - 2) / 2 = 1.5 rounds to 2, (4 - 2) / 2 = 1; (7 - 2) / 2 = 2.5 rounds to 2.
    #expect(
      CropBox.center(size: 2, width: 5, height: 7)
        == CropBox(
          top: 2, left: 2, height: 2, width: 2))
  }

  @Test("every drawn box lies in the image with area and ratio in range (up to rounding)")
  func drawnBoxesRespectTheRanges() {
    let transform = TrainingTransform()
    var generator = AugmentationGenerator(seed: 7)
    var flips = 0
    for trial in 0..<2000 {
      let width = 50 + trial % 400
      let height = 40 + (trial * 7) % 300
      let draw = transform.draw(width: width, height: height, using: &generator)
      let box = draw.box
      if draw.flipped { flips += 1 }
      #expect(box.fits(width: width, height: height))
      let area = Double(box.width * box.height) / Double(width * height)
      // Rounding w and h to integers moves the area by at most about (w + h + 1) pixels.
      let slack = Double(box.width + box.height + 1) / Double(width * height)
      #expect(area <= 1.0 + slack)
      let isFallback =
        box
        == TrainingTransform.fallbackBox(
          width: width, height: height, ratio: transform.ratio)
      if !isFallback { #expect(area >= 0.7 - slack) }
    }
    // 2000 fair coin flips: 1000 +- 5 standard deviations (22).
    #expect(abs(flips - 1000) < 115)
  }

  @Test("the fallback narrows a very wide or tall image to the allowed ratio, centred")
  func fallbackBox() {
    let ratio = (3.0 / 4.0)...(4.0 / 3.0)
    // 1000x100: ratio 10 > 4/3, so h = 100, w = round(100 * 4/3) = 133, left = 433.
    #expect(
      TrainingTransform.fallbackBox(width: 1000, height: 100, ratio: ratio)
        == CropBox(top: 0, left: 433, height: 100, width: 133))
    // 90x1000: ratio < 3/4, so w = 90, h = round(90 / 0.75) = 120, top = 440.
    #expect(
      TrainingTransform.fallbackBox(width: 90, height: 1000, ratio: ratio)
        == CropBox(top: 440, left: 0, height: 120, width: 90))
    #expect(
      TrainingTransform.fallbackBox(width: 100, height: 90, ratio: ratio)
        == CropBox(top: 0, left: 0, height: 90, width: 100))
  }

  @Test("a 1x1000 strip can never host a 0.7-area crop, so the fallback is used")
  func extremeImageUsesFallback() {
    var generator = AugmentationGenerator(seed: 1)
    let box = TrainingTransform().cropBox(width: 1000, height: 1, using: &generator)
    #expect(
      box
        == TrainingTransform.fallbackBox(
          width: 1000, height: 1, ratio: (3.0 / 4.0)...(4.0 / 3.0)))
  }

  @Test("the generator's streams are reproducible and keyed")
  func generatorStreams() {
    var a = AugmentationGenerator(seed: 42, 1, 2)
    var b = AugmentationGenerator(seed: 42, 1, 2)
    var c = AugmentationGenerator(seed: 42, 1, 3)
    let sa = (0..<8).map { _ in a.next() }
    #expect(sa == (0..<8).map { _ in b.next() })
    #expect(sa != (0..<8).map { _ in c.next() })
    var counts = [Int](repeating: 0, count: 6)
    for _ in 0..<6000 { counts[a.integer(below: 6)] += 1 }
    #expect(counts.allSatisfy { abs($0 - 1000) < 150 })
  }
}
