import Datasets
import Foundation
import Imaging
import TestSupport
import Testing

@Suite("SyntheticDataset: Waterbirds-like layout, proportions, determinism")
struct SyntheticDatasetTests {
  static let ppm: (RGBImage, Int) -> [UInt8] = { image, _ in ImageFileDecoder.encodePPM(image) }

  @Test("default training groups scale Waterbirds' 3498/184/56/1057 to 1200 images")
  func groupProportions() {
    let options = SyntheticDataset.Options(outputDirectory: URL(fileURLWithPath: "/unused"))
    let counts = SyntheticDataset.groupCounts(options)
    #expect(counts[.train] == [875, 46, 14, 265])
    // Validation and test: balanced between backgrounds within each class.
    #expect(counts[.val] == [115, 115, 35, 35])
    #expect(counts[.test] == [307, 307, 93, 93])
    let full = SyntheticDataset.Options(
      outputDirectory: URL(fileURLWithPath: "/unused"), trainSize: 4795)
    #expect(SyntheticDataset.groupCounts(full)[.train] == [3498, 184, 56, 1057])
  }

  @Test("the folder loads as a dataset with the promised counts, identical for one seed")
  func generateAndLoad() throws {
    let a = Fixtures.temporaryDirectory("synth-a")
    let b = Fixtures.temporaryDirectory("synth-b")
    func options(_ url: URL, seed: UInt64) -> SyntheticDataset.Options {
      SyntheticDataset.Options(
        outputDirectory: url, trainSize: 60, valSize: 20, testSize: 24, resolution: 24,
        seed: seed, threads: 2)
    }
    let summary = try SyntheticDataset.generate(options(a, seed: 3), encode: Self.ppm)
    _ = try SyntheticDataset.generate(options(b, seed: 3), encode: Self.ppm)
    #expect(summary.imageCount == 104)

    let dataset = try Dataset.load(.folder, at: a)
    for split in Split.allCases {
      let s = try dataset.split(split)
      #expect(s.groupCounts == summary.groupCounts[split])
      try s.checkImagesExist()
    }
    let fm = FileManager.default
    let files = try fm.subpathsOfDirectory(atPath: a.path).filter { $0.contains(".") }.sorted()
    #expect(files.count == 105)
    for file in files {
      #expect(
        fm.contents(atPath: a.appendingPathComponent(file).path)
          == fm.contents(atPath: b.appendingPathComponent(file).path), "\(file)")
    }
    let c = Fixtures.temporaryDirectory("synth-c")
    _ = try SyntheticDataset.generate(options(c, seed: 4), encode: Self.ppm)
    #expect(
      fm.contents(atPath: c.appendingPathComponent("images/train/00000.jpg").path)
        != fm.contents(atPath: a.appendingPathComponent("images/train/00000.jpg").path))
  }

  @Test("the background separates the places by colour: water is bluer than land")
  func backgroundCue() {
    var landBlue = 0.0
    var waterBlue = 0.0
    for index in 0..<40 {
      for place in 0..<2 {
        let image = SyntheticDataset.renderImage(
          y: index % 2, place: place, resolution: 32, index: index)
        var blueMinusGreen = 0.0
        for p in stride(from: 0, to: image.pixels.count, by: 3) {
          blueMinusGreen += Double(image.pixels[p + 2]) - Double(image.pixels[p + 1])
        }
        blueMinusGreen /= Double(image.width * image.height)
        if place == 0 {
          landBlue = max(landBlue, blueMinusGreen)
        } else {
          waterBlue = waterBlue == 0 ? blueMinusGreen : min(waterBlue, blueMinusGreen)
        }
      }
    }
    // Every water image is bluer (relative to green) than every land image.
    #expect(waterBlue > landBlue)
  }

  @Test("invalid options are rejected with the reason")
  func invalidOptions() {
    let url = Fixtures.temporaryDirectory("synth-bad")
    #expect(throws: SyntheticDataset.Failure.invalidOption("resolution 4 is outside 8...1024")) {
      try SyntheticDataset.generate(
        .init(outputDirectory: url, resolution: 4), encode: Self.ppm)
    }
    #expect(
      throws: SyntheticDataset.Failure.invalidOption("majority fraction 0.2 is outside 0.5...1")
    ) {
      try SyntheticDataset.generate(
        .init(outputDirectory: url, majorityFraction: 0.2), encode: Self.ppm)
    }
  }
}
