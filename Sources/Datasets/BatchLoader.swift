import Dispatch
import Foundation
import Imaging

/// Turns a split into batches: reads, decodes and transforms images on several threads,
/// prepares the next batch in the background while the caller uses the current one, and
/// serves evaluation passes from an `EvalCache` when given a cache folder.
///
/// Order and augmentation depend only on `seed`, the epoch and the sample, never on the
/// thread count: the shuffle of epoch `e` comes from the generator keyed `(seed, e)` and
/// the crop and flip of sample `i` from the generator keyed `(seed, e, i)`.
public final class BatchLoader: @unchecked Sendable {
  public let split: DatasetSplit
  public let batchSize: Int
  public let transform: ImageTransform
  public let shuffle: Bool
  public let seed: UInt64
  public let threads: Int
  public let undecodable: UndecodableImagePolicy
  public let normalization: ImageNormalization
  /// The folder for evaluation caches; nil decodes on every pass.
  public let cacheDirectory: URL?
  /// Reads an image file's bytes into pixels (JPEG or PPM by default).
  public let decode: @Sendable ([UInt8]) throws -> RGBImage

  private let lock = NSLock()
  private var skippedIndices: Set<Int> = []
  private var cache: EvalCache?
  private var cacheNote: String?

  public init(
    split: DatasetSplit, batchSize: Int, transform: ImageTransform, shuffle: Bool = false,
    seed: UInt64 = 0, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
    undecodable: UndecodableImagePolicy = .stop,
    normalization: ImageNormalization = .imageNet, cacheDirectory: URL? = nil,
    decode: @escaping @Sendable ([UInt8]) throws -> RGBImage = ImageFileDecoder.decode
  ) {
    precondition(batchSize > 0, "BatchLoader: batch size \(batchSize)")
    self.split = split
    self.batchSize = batchSize
    self.transform = transform
    self.shuffle = shuffle
    self.seed = seed
    self.threads = max(1, threads)
    self.undecodable = undecodable
    self.normalization = normalization
    self.cacheDirectory = cacheDirectory
    self.decode = decode
  }

  /// Positions within the split of images skipped as undecodable so far (with `.skip`).
  public var skipped: [Int] {
    lock.lock()
    defer { lock.unlock() }
    return skippedIndices.sorted()
  }

  /// How the evaluation cache was obtained (`built`, `reused`, or `rebuilt: reason`),
  /// nil before the first epoch or without a cache.
  public var cacheStatus: String? {
    lock.lock()
    defer { lock.unlock() }
    return cacheNote
  }

  /// The number of batches per epoch (the last may be smaller).
  public var batchCount: Int { (split.count + batchSize - 1) / batchSize }

  /// The sample order of `epoch`: file order, or a seeded shuffle.
  public func order(epoch: Int) -> [Int] {
    var order = Array(0..<split.count)
    if shuffle {
      var generator = AugmentationGenerator(seed: seed, UInt64(epoch), 0x5348_5546)  // "SHUF"
      generator.shuffle(&order)
    }
    return order
  }

  /// The batches of one epoch, the next one prepared in the background.
  public func epoch(_ epoch: Int) throws -> BatchIterator {
    if case .evaluation(let t) = transform, let directory = cacheDirectory {
      try prepareCache(directory: directory, transform: t)
    }
    return BatchIterator(loader: self, epoch: epoch, order: order(epoch: epoch))
  }

  // MARK: - Building one batch

  /// Reads, decodes and transforms the samples `indices` (positions in the split) into a
  /// batch, in parallel.
  func makeBatch(_ indices: [Int], epoch: Int) throws -> Batch {
    let side = transform.outputSize
    let plane = 3 * side * side
    var images = [Float](repeating: 0, count: indices.count * plane)
    var failures = [Error?](repeating: nil, count: indices.count)
    var present = [Bool](repeating: true, count: indices.count)
    images.withUnsafeMutableBufferPointer { imageBuffer in
      failures.withUnsafeMutableBufferPointer { failureBuffer in
        present.withUnsafeMutableBufferPointer { presentBuffer in
          let out = imageBuffer.baseAddress!
          parallelSlots(indices.count, threads: threads) { slot in
            do {
              if let (crop, flipped) = try self.crop(indices[slot], epoch: epoch) {
                self.normalization.writePlanes(
                  of: crop, flipped: flipped, into: out + slot * plane)
              } else {
                presentBuffer[slot] = false
              }
            } catch {
              failureBuffer[slot] = error
            }
          }
        }
      }
    }
    if let failure = failures.compactMap({ $0 }).first { throw failure }

    var batch = Batch(
      images: [], count: 0, height: side, width: side, labels: [], targets: [], groups: [],
      places: [], indices: [])
    if present.allSatisfy({ $0 }) {
      batch.images = images
    } else {
      batch.images.reserveCapacity(images.count)
      for slot in indices.indices where present[slot] {
        batch.images += images[(slot * plane)..<((slot + 1) * plane)]
      }
    }
    for (slot, index) in indices.enumerated() where present[slot] {
      let s = split.samples[index]
      batch.count += 1
      batch.labels.append(s.y)
      batch.targets += s.target
      batch.groups.append(s.group)
      batch.places.append(s.place)
      batch.indices.append(index)
    }
    return batch
  }

  /// The 8-bit crop of one sample and whether to mirror it, or nil when skipped.
  private func crop(_ index: Int, epoch: Int) throws -> (RGBImage, Bool)? {
    switch transform {
    case .evaluation(let t):
      if let cache = currentCache() { return cache.crop(index).map { ($0, false) } }
      return try decodeImage(index).map { (t.crop($0), false) }
    case .training(let t):
      guard let image = try decodeImage(index) else { return nil }
      var generator = AugmentationGenerator(seed: seed, UInt64(epoch), UInt64(index))
      let draw = t.draw(width: image.width, height: image.height, using: &generator)
      return (t.resizedCrop(image, box: draw.box), draw.flipped)
    }
  }

  /// Reads and decodes sample `index`; nil when undecodable and the policy is `.skip`.
  func decodeImage(_ index: Int) throws -> RGBImage? {
    let sample = split.samples[index]
    let url = split.dataset.imageURL(sample)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw DatasetError.missingImage(
        path: split.dataset.metadataPath, line: sample.line, image: url.path)
    }
    do {
      return try decode([UInt8](data))
    } catch {
      if undecodable == .skip {
        lock.lock()
        skippedIndices.insert(index)
        lock.unlock()
        return nil
      }
      throw DatasetError.undecodableImage(
        path: split.dataset.metadataPath, line: sample.line, image: url.path,
        reason: "\(error)")
    }
  }

  // MARK: - Evaluation cache

  private func currentCache() -> EvalCache? {
    lock.lock()
    defer { lock.unlock() }
    return cache
  }

  private func prepareCache(directory: URL, transform t: EvaluationTransform) throws {
    if currentCache() != nil { return }
    let url = EvalCache.url(directory: directory, split: split, transform: t)
    let key = EvalCache.key(split: split, transform: t)
    var note = "built"
    if FileManager.default.fileExists(atPath: url.path) {
      do {
        let opened = try EvalCache(
          url: url, expectedKey: key, expectedCount: split.count, expectedSide: t.cropSize)
        markSkipped(opened)
        setCache(opened, note: "reused")
        return
      } catch {
        note = "rebuilt: \(error)"
      }
    }
    try EvalCache.write(to: url, key: key, side: t.cropSize, count: split.count) { range in
      let indices = Array(range)
      var crops = [RGBImage?](repeating: nil, count: indices.count)
      var failures = [Error?](repeating: nil, count: indices.count)
      crops.withUnsafeMutableBufferPointer { cropBuffer in
        failures.withUnsafeMutableBufferPointer { failureBuffer in
          parallelSlots(indices.count, threads: threads) { slot in
            do {
              cropBuffer[slot] = try self.decodeImage(indices[slot]).map { t.crop($0) }
            } catch {
              failureBuffer[slot] = error
            }
          }
        }
      }
      if let failure = failures.compactMap({ $0 }).first { throw failure }
      return crops
    }
    let opened = try EvalCache(
      url: url, expectedKey: key, expectedCount: split.count, expectedSide: t.cropSize)
    setCache(opened, note: note)
  }

  private func markSkipped(_ cache: EvalCache) {
    var missing: [Int] = []
    for i in 0..<cache.count where cache.crop(i) == nil { missing.append(i) }
    lock.lock()
    skippedIndices.formUnion(missing)
    lock.unlock()
  }

  private func setCache(_ cache: EvalCache, note: String) {
    lock.lock()
    self.cache = cache
    cacheNote = note
    lock.unlock()
  }
}

/// The batches of one epoch. Each `next()` returns the batch prepared in the background
/// and starts preparing the following one.
public final class BatchIterator: @unchecked Sendable {
  private let loader: BatchLoader
  private let epoch: Int
  private let order: [Int]
  private var position = 0
  private var pending: (done: DispatchSemaphore, result: ResultBox)?

  private final class ResultBox: @unchecked Sendable {
    var value: Result<Batch, Error>?
  }

  init(loader: BatchLoader, epoch: Int, order: [Int]) {
    self.loader = loader
    self.epoch = epoch
    self.order = order
    schedule()
  }

  private func schedule() {
    guard position < order.count else {
      pending = nil
      return
    }
    let end = min(position + loader.batchSize, order.count)
    let indices = Array(order[position..<end])
    position = end
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox()
    let loader = self.loader
    let epoch = self.epoch
    DispatchQueue.global().async {
      box.value = Result { try loader.makeBatch(indices, epoch: epoch) }
      done.signal()
    }
    pending = (done, box)
  }

  /// The next batch, or nil at the end of the epoch.
  public func next() throws -> Batch? {
    guard let current = pending else { return nil }
    current.done.wait()
    schedule()
    return try current.result.value!.get()
  }

  deinit {
    // Let a batch still in preparation finish before the loader can go away.
    pending?.done.wait()
  }
}
