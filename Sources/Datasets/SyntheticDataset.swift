import Foundation
import Imaging

/// A Waterbirds-like dataset generated from a seed (`spurious synth`): JPEG files and a
/// Waterbirds-layout `metadata.csv` (`img_id,img_filename,y,split,place,place_filename`).
///
/// The class `y` is the foreground shape (0 = round, 1 = pointed) and the spurious
/// attribute `place` is the background (0 = land, 1 = water); see `SyntheticScene`. In
/// the training split a `majorityFraction` of each class sits on its majority background
/// (class 0 on land, class 1 on water) and the classes keep Waterbirds' proportions
/// (3682 : 1113), so the default 1200 training images split into groups
/// [875, 46, 14, 265] like Waterbirds' [3498, 184, 56, 1057]. Validation and test keep
/// the class proportions and are balanced between backgrounds within each class, as
/// Waterbirds' are. The same options give byte-identical files.
public enum SyntheticDataset {
  /// What to generate.
  public struct Options: Sendable {
    public var outputDirectory: URL
    public var trainSize: Int
    public var valSize: Int
    public var testSize: Int
    /// The side of the square images, in pixels.
    public var resolution: Int
    /// The fraction of each training class on its majority background (0.5...1).
    public var majorityFraction: Double
    public var seed: UInt64
    /// JPEG quality, 1...100.
    public var quality: Int
    public var threads: Int

    public init(
      outputDirectory: URL, trainSize: Int = 1200, valSize: Int = 300, testSize: Int = 800,
      resolution: Int = 64, majorityFraction: Double = 0.95, seed: UInt64 = 0,
      quality: Int = 90, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
      self.outputDirectory = outputDirectory
      self.trainSize = trainSize
      self.valSize = valSize
      self.testSize = testSize
      self.resolution = resolution
      self.majorityFraction = majorityFraction
      self.seed = seed
      self.quality = quality
      self.threads = threads
    }
  }

  /// What was generated.
  public struct Summary: Sendable {
    public var root: URL
    /// Group counts `[g0, g1, g2, g3]` per split.
    public var groupCounts: [Split: [Int]]
    public var imageCount: Int
  }

  /// Why generation could not proceed.
  public enum Failure: Error, Equatable, CustomStringConvertible {
    case invalidOption(String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
      switch self {
      case .invalidOption(let text): return "synthetic dataset: \(text)"
      case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
      }
    }
  }

  /// Waterbirds' class sizes in training: 3498 + 184 land birds, 56 + 1057 water birds.
  static let classZeroShare = 3682.0 / 4795.0

  /// The group counts of each split for `options`.
  public static func groupCounts(_ options: Options) -> [Split: [Int]] {
    func classSizes(_ total: Int) -> (Int, Int) {
      let zero = Int((Double(total) * classZeroShare).rounded())
      return (zero, total - zero)
    }
    let (trainZero, trainOne) = classSizes(options.trainSize)
    let minorityZero = Int((Double(trainZero) * (1 - options.majorityFraction)).rounded())
    let minorityOne = Int((Double(trainOne) * (1 - options.majorityFraction)).rounded())
    var counts: [Split: [Int]] = [
      .train: [trainZero - minorityZero, minorityZero, minorityOne, trainOne - minorityOne]
    ]
    for (split, total) in [(Split.val, options.valSize), (Split.test, options.testSize)] {
      let (zero, one) = classSizes(total)
      counts[split] = [zero - zero / 2, zero / 2, one / 2, one - one / 2]
    }
    return counts
  }

  /// Writes the dataset into `options.outputDirectory` (created if needed; existing files
  /// of the same names are replaced). `encode` turns an image into file bytes.
  public static func generate(
    _ options: Options,
    encode: (RGBImage, Int) -> [UInt8] = { JPEGEncoder.encode($0, quality: $1) }
  ) throws -> Summary {
    guard options.trainSize >= 0, options.valSize >= 0, options.testSize >= 0 else {
      throw Failure.invalidOption("split sizes must not be negative")
    }
    guard (8...1024).contains(options.resolution) else {
      throw Failure.invalidOption("resolution \(options.resolution) is outside 8...1024")
    }
    guard (0.5...1).contains(options.majorityFraction) else {
      throw Failure.invalidOption(
        "majority fraction \(options.majorityFraction) is outside 0.5...1")
    }
    guard (1...100).contains(options.quality) else {
      throw Failure.invalidOption("JPEG quality \(options.quality) is outside 1...100")
    }

    // Each split's samples: groups in a seeded order, so groups interleave in the file.
    let counts = groupCounts(options)
    var rows: [(split: Split, index: Int, group: Int)] = []
    for split in Split.allCases {
      var groups: [Int] = []
      for (g, c) in counts[split]!.enumerated() {
        groups += [Int](repeating: g, count: c)
      }
      var order = AugmentationGenerator(seed: options.seed, 0x5359_4E54, UInt64(split.rawValue))
      order.shuffle(&groups)
      rows += groups.enumerated().map { (split, $0.offset, $0.element) }
    }

    let root = options.outputDirectory
    let fm = FileManager.default
    for split in Split.allCases {
      let folder = root.appendingPathComponent("images/\(split)")
      do {
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
      } catch {
        throw Failure.cannotWrite(path: folder.path, reason: error.localizedDescription)
      }
    }

    // Render and write in parallel; each image's generator is keyed by (split, index).
    var failures = [Failure?](repeating: nil, count: rows.count)
    failures.withUnsafeMutableBufferPointer { failureBuffer in
      parallelSlots(rows.count, threads: options.threads) { r in
        let row = rows[r]
        var g = AugmentationGenerator(
          seed: options.seed, UInt64(row.split.rawValue), UInt64(row.index))
        let image = SyntheticScene.render(
          y: row.group / 2, place: row.group % 2, resolution: options.resolution, using: &g)
        let url = root.appendingPathComponent(fileName(row.split, row.index))
        do {
          try Data(encode(image, options.quality)).write(to: url, options: .atomic)
        } catch {
          failureBuffer[r] = .cannotWrite(path: url.path, reason: error.localizedDescription)
        }
      }
    }
    if let failure = failures.compactMap({ $0 }).first { throw failure }

    // metadata.csv last, so a folder with metadata always has all its images.
    var csv = "img_id,img_filename,y,split,place,place_filename\n"
    for (id, row) in rows.enumerated() {
      let place = row.group % 2
      csv +=
        "\(id),\(fileName(row.split, row.index)),\(row.group / 2),\(row.split.rawValue),"
        + "\(place),\(place == 0 ? "land" : "water")\n"
    }
    let metadata = root.appendingPathComponent("metadata.csv")
    do {
      try Data(csv.utf8).write(to: metadata, options: .atomic)
    } catch {
      throw Failure.cannotWrite(path: metadata.path, reason: error.localizedDescription)
    }
    return Summary(root: root, groupCounts: counts, imageCount: rows.count)
  }

  static func fileName(_ split: Split, _ index: Int) -> String {
    "images/\(split)/\(String(format: "%05d", index)).jpg"
  }

  /// One image as the generator draws it, for tests and previews.
  public static func renderImage(
    y: Int, place: Int, resolution: Int = 64, seed: UInt64 = 0, split: Split = .train,
    index: Int = 0
  ) -> RGBImage {
    var g = AugmentationGenerator(seed: seed, UInt64(split.rawValue), UInt64(index))
    return SyntheticScene.render(y: y, place: place, resolution: resolution, using: &g)
  }
}
