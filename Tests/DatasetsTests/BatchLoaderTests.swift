import Datasets
import Foundation
import Imaging
import TestSupport
import Testing

@Suite("BatchLoader: order, augmentation, evaluation cache, bad images")
struct BatchLoaderTests {
  /// A folder with `count` PPM images of varied sizes and a metadata.csv, all in `split`.
  static func makeFolder(count: Int, broken: Set<Int> = []) throws -> URL {
    let folder = Fixtures.temporaryDirectory("loader")
    var rows = "img_id,img_filename,y,split,place\n"
    for i in 0..<count {
      let width = 20 + (i * 7) % 23
      let height = 16 + (i * 5) % 19
      var pixels = [UInt8](repeating: 0, count: width * height * 3)
      for p in pixels.indices { pixels[p] = UInt8(truncatingIfNeeded: p &* 31 &+ i &* 17) }
      let image = RGBImage(width: width, height: height, pixels: pixels)
      let bytes =
        broken.contains(i) ? Array("P6\n3 3\n255\nxx".utf8) : ImageFileDecoder.encodePPM(image)
      try Data(bytes).write(to: folder.appendingPathComponent("img\(i).ppm"))
      rows += "\(i),img\(i).ppm,\(i % 2),0,\((i / 2) % 2)\n"
    }
    try Data(rows.utf8).write(to: folder.appendingPathComponent("metadata.csv"))
    return folder
  }

  static func allBatches(_ loader: BatchLoader, epoch: Int = 0) throws -> [Batch] {
    let iterator = try loader.epoch(epoch)
    var batches: [Batch] = []
    while let b = try iterator.next() { batches.append(b) }
    return batches
  }

  @Test("evaluation batches follow file order and equal the transform applied directly")
  func evaluationBatches() throws {
    let folder = try Self.makeFolder(count: 7)
    let split = try Dataset.load(.folder, at: folder).split(.train)
    let transform = EvaluationTransform(cropSize: 12)
    let loader = BatchLoader(split: split, batchSize: 3, transform: .evaluation(transform))
    let batches = try Self.allBatches(loader)
    #expect(batches.map(\.count) == [3, 3, 1])
    #expect(batches.flatMap(\.indices) == Array(0..<7))
    #expect(batches.flatMap(\.labels) == [0, 1, 0, 1, 0, 1, 0])
    #expect(batches.flatMap(\.groups) == [0, 2, 1, 3, 0, 2, 1])
    #expect(batches[0].targets == [0, 1, 1, 0, 0, 1])
    for (i, batch) in batches.enumerated() {
      for slot in 0..<batch.count {
        let index = i * 3 + slot
        let image = try ImageFileDecoder.decode(
          [UInt8](try Data(contentsOf: folder.appendingPathComponent("img\(index).ppm"))))
        let expected = transform(image)
        let plane = 3 * 12 * 12
        #expect(Array(batch.images[(slot * plane)..<((slot + 1) * plane)]) == expected)
      }
    }
  }

  @Test("shuffle and augmentation depend on seed and epoch, never on the thread count")
  func deterministicAcrossThreads() throws {
    let folder = try Self.makeFolder(count: 9)
    let split = try Dataset.load(.folder, at: folder).split(.train)
    let transform = ImageTransform.training(TrainingTransform(size: 10))
    func run(threads: Int, seed: UInt64, epoch: Int) throws -> [Batch] {
      let loader = BatchLoader(
        split: split, batchSize: 4, transform: transform, shuffle: true, seed: seed,
        threads: threads)
      return try Self.allBatches(loader, epoch: epoch)
    }
    let one = try run(threads: 1, seed: 5, epoch: 1)
    let four = try run(threads: 4, seed: 5, epoch: 1)
    #expect(one.flatMap(\.indices) == four.flatMap(\.indices))
    #expect(one.flatMap(\.images) == four.flatMap(\.images))
    #expect(one.flatMap(\.indices).sorted() == Array(0..<9))
    let otherEpoch = try run(threads: 2, seed: 5, epoch: 2)
    #expect(otherEpoch.flatMap(\.indices) != one.flatMap(\.indices))
    let otherSeed = try run(threads: 2, seed: 6, epoch: 1)
    #expect(otherSeed.flatMap(\.images) != one.flatMap(\.images))
  }

  @Test("the evaluation cache is built once, reused, rebuilt when damaged, same batches")
  func evaluationCache() throws {
    let folder = try Self.makeFolder(count: 5)
    let split = try Dataset.load(.folder, at: folder).split(.train)
    let cacheFolder = folder.appendingPathComponent(".spurious-cache")
    let transform = ImageTransform.evaluation(EvaluationTransform(cropSize: 8))
    let direct = try Self.allBatches(BatchLoader(split: split, batchSize: 2, transform: transform))

    let first = BatchLoader(
      split: split, batchSize: 2, transform: transform, cacheDirectory: cacheFolder)
    #expect(try Self.allBatches(first).flatMap(\.images) == direct.flatMap(\.images))
    #expect(first.cacheStatus == "built")

    // Remove the images: a reused cache must not need them.
    for i in 0..<5 {
      try FileManager.default.removeItem(at: folder.appendingPathComponent("img\(i).ppm"))
    }
    let second = BatchLoader(
      split: split, batchSize: 2, transform: transform, cacheDirectory: cacheFolder)
    #expect(try Self.allBatches(second).flatMap(\.images) == direct.flatMap(\.images))
    #expect(second.cacheStatus == "reused")

    // A truncated file is not used; rebuilding then needs the images, which are gone.
    let files = try FileManager.default.contentsOfDirectory(atPath: cacheFolder.path)
    #expect(files.count == 1 && files[0].hasSuffix(".evalcache"))
    let cacheURL = cacheFolder.appendingPathComponent(files[0])
    let bytes = try Data(contentsOf: cacheURL)
    try bytes.prefix(bytes.count - 1).write(to: cacheURL)
    let third = BatchLoader(
      split: split, batchSize: 2, transform: transform, cacheDirectory: cacheFolder)
    #expect(throws: DatasetError.self) { try third.epoch(0) }
  }

  @Test("an undecodable image stops with its file and line, or is skipped and counted")
  func undecodableImages() throws {
    let folder = try Self.makeFolder(count: 4, broken: [2])
    let split = try Dataset.load(.folder, at: folder).split(.train)
    let transform = ImageTransform.evaluation(EvaluationTransform(cropSize: 8))
    let stopping = BatchLoader(split: split, batchSize: 4, transform: transform)
    #expect(
      throws: DatasetError.undecodableImage(
        path: folder.appendingPathComponent("metadata.csv").path, line: 4,
        image: folder.appendingPathComponent("img2.ppm").path,
        reason: "PPM: 27 sample bytes expected, 2 present")
    ) { try Self.allBatches(stopping) }

    let skipping = BatchLoader(
      split: split, batchSize: 4, transform: transform, undecodable: .skip)
    let batches = try Self.allBatches(skipping)
    #expect(batches.flatMap(\.indices) == [0, 1, 3])
    #expect(batches[0].images.count == 3 * 3 * 8 * 8)
    #expect(skipping.skipped == [2])
  }

  @Test("a missing image file is an error naming the metadata line")
  func missingImage() throws {
    let folder = try Self.makeFolder(count: 3)
    try FileManager.default.removeItem(at: folder.appendingPathComponent("img1.ppm"))
    let split = try Dataset.load(.folder, at: folder).split(.train)
    let loader = BatchLoader(
      split: split, batchSize: 8, transform: .evaluation(EvaluationTransform(cropSize: 8)))
    #expect(
      throws: DatasetError.missingImage(
        path: folder.appendingPathComponent("metadata.csv").path, line: 3,
        image: folder.appendingPathComponent("img1.ppm").path)
    ) { try Self.allBatches(loader) }
  }
}
