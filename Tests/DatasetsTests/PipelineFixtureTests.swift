import Datasets
import Foundation
import Imaging
import TestSupport
import Testing

/// Decode + evaluation transform end to end against Pillow + torchvision
/// (scripts/make_dataset_fixtures.py).
@Suite("JPEG dataset through the loader against Pillow + torchvision")
struct PipelineFixtureTests {
  static let root = Fixtures.url("datasets/tiny_waterbirds")

  // The decoder matches Pillow's libjpeg-turbo exactly on these files. The resize follows
  // the reference's pinned Pillow 11.0.0 (horizontal pass, then vertical); Pillow 13, which
  // made these fixtures, runs the vertical pass first when the height shrinks much more
  // than the width (Pillow PR 9549), so b.jpg (61x77) and f.jpg (90x120) differ by one
  // step on some samples. The bound is 1/255; a.jpg, c, d, e are identical.
  @Test("decode + Resize((73,73)) + CenterCrop(64) is within 1 of Pillow's bytes")
  func evalCropsMatchPillow() throws {
    let dataset = try Dataset.load(.waterbirds, at: Self.root)
    let expected = [UInt8](
      try Data(contentsOf: Self.root.appendingPathComponent("eval_crops_64.u8")))
    let transform = EvaluationTransform(cropSize: 64)
    #expect(transform.resizeSize == 73)
    let side = 64 * 64 * 3
    for (i, sample) in dataset.samples.enumerated() {
      let image = try ImageFileDecoder.decode(
        [UInt8](try Data(contentsOf: dataset.imageURL(sample))))
      let crop = transform.crop(image)
      var worst = 0
      var differing = 0
      for k in 0..<side where crop.pixels[k] != expected[i * side + k] {
        worst = max(worst, abs(Int(crop.pixels[k]) - Int(expected[i * side + k])))
        differing += 1
      }
      #expect(worst <= 1, "\(sample.imagePath): max difference \(worst)")
      let portrait = sample.imagePath == "birds/b.jpg" || sample.imagePath == "birds/f.jpg"
      if !portrait { #expect(differing == 0, "\(sample.imagePath): \(differing) samples differ") }
    }
  }

  @Test("the test-split batch equals torchvision's tensor within 1/255, file order kept")
  func testBatchMatchesTorchvision() throws {
    let split = try Dataset.load(.waterbirds, at: Self.root).split(.test)
    #expect(split.groupCounts == [0, 1, 1, 1])
    #expect(split.countWarning != nil)
    let loader = BatchLoader(
      split: split, batchSize: 8, transform: .evaluation(EvaluationTransform(cropSize: 64)),
      cacheDirectory: Fixtures.temporaryDirectory("pipeline-cache"))
    let iterator = try loader.epoch(0)
    let batch = try #require(try iterator.next())
    #expect(try iterator.next() == nil)
    #expect(batch.indices == [0, 1, 2] && batch.labels == [1, 0, 1])
    #expect(batch.targets == [1, 0, 0, 1, 1, 0])
    let expected = try Data(
      contentsOf: Self.root.appendingPathComponent("batch_test_64.f32")
    ).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    #expect(batch.images.count == expected.count)
    // One step of 1/255 after division by the smallest std (0.224), plus Float32 rounding.
    #expect(maxAbsoluteDifference(batch.images, expected) <= 1.0 / 255 / 0.224 + 1e-6)
  }
}
