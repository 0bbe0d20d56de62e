import Foundation

/// Which dataset a folder holds; decides the metadata layouts tried and the known counts.
public enum DatasetKind: String, CaseIterable, Sendable {
  /// Waterbirds (`waterbird_complete95_forest2water2`): `metadata.csv`.
  case waterbirds
  /// CelebA: DFR `metadata.csv`, or the official `.txt` lists, or Kaggle's `.csv` lists.
  case celebA = "celeba"
  /// Any folder with a Waterbirds-style `metadata.csv` (also the synthetic dataset).
  case folder
}

/// The metadata of a dataset on disk: every sample of every split, in file order.
public struct Dataset: Sendable {
  public let kind: DatasetKind
  public let root: URL
  /// The file the samples' line numbers refer to.
  public let metadataPath: String
  /// Which layout was read: `metadata.csv`, `official` or `kaggle`.
  public let layout: String
  /// The class and spurious attribute names (CelebA attribute names, else `y`/`place`).
  public let targetName: String
  public let spuriousName: String
  public let samples: [Sample]
  /// A hash of the metadata (file bytes and attribute choice), for cache keys.
  public let fingerprint: UInt64

  /// Options for reading CelebA's attribute lists.
  public struct Options: Sendable {
    /// The attribute that is the class label `y` (CelebA only).
    public var targetAttribute: String
    /// The attribute that is the spurious `place` (CelebA only).
    public var spuriousAttribute: String

    public init(targetAttribute: String = "Blond_Hair", spuriousAttribute: String = "Male") {
      self.targetAttribute = targetAttribute
      self.spuriousAttribute = spuriousAttribute
    }
  }

  /// Reads the metadata of the dataset at `root`.
  public static func load(_ kind: DatasetKind, at root: URL, options: Options = Options())
    throws -> Dataset
  {
    let metadata = root.appendingPathComponent("metadata.csv")
    let fm = FileManager.default
    if fm.fileExists(atPath: metadata.path) {
      let bytes = try readBytes(metadata)
      let samples = try MetadataParsers.waterbirdsStyle(bytes, path: metadata.path)
      let names = kind == .celebA ? ("Blond_Hair", "Male") : ("y", "place")
      return Dataset(
        kind: kind, root: root, metadataPath: metadata.path, layout: "metadata.csv",
        targetName: names.0, spuriousName: names.1, samples: samples,
        fingerprint: Fingerprint.of(bytes))
    }
    guard kind == .celebA else {
      throw DatasetError.unrecognizedLayout(
        directory: root.path, reason: "no metadata.csv (columns img_filename, y, split, place)")
    }
    return try loadCelebALists(at: root, options: options)
  }

  private static func loadCelebALists(at root: URL, options: Options) throws -> Dataset {
    let fm = FileManager.default
    let layouts = [
      ("official", "list_attr_celeba.txt", "list_eval_partition.txt", false),
      ("kaggle", "list_attr_celeba.csv", "list_eval_partition.csv", true),
    ]
    guard
      let (layout, attrName, partName, isCSV) = layouts.first(where: {
        fm.fileExists(atPath: root.appendingPathComponent($0.1).path)
      })
    else {
      throw DatasetError.unrecognizedLayout(
        directory: root.path,
        reason: "no metadata.csv, list_attr_celeba.txt or list_attr_celeba.csv")
    }
    let attrURL = root.appendingPathComponent(attrName)
    let partURL = root.appendingPathComponent(partName)
    let attrBytes = try readBytes(attrURL)
    let partBytes = try readBytes(partURL)
    let attributes =
      isCSV
      ? try MetadataParsers.celebAAttributesCSV(attrBytes, path: attrURL.path)
      : try MetadataParsers.celebAAttributesText(attrBytes, path: attrURL.path)
    let partition = try MetadataParsers.celebAPartition(
      partBytes, path: partURL.path, csv: isCSV)
    let target = try attributes.attribute(options.targetAttribute)
    let spurious = try attributes.attribute(options.spuriousAttribute)
    let prefix = imageFolderPrefix(root: root, firstImage: attributes.images.first)

    var samples: [Sample] = []
    samples.reserveCapacity(attributes.images.count)
    let width = attributes.names.count
    for (row, image) in attributes.images.enumerated() {
      guard let split = partition[image]?.split else {
        throw DatasetError.inconsistentFiles(
          path: attrURL.path, line: attributes.lines[row],
          reason: "image \(image) is not listed in \(partName)")
      }
      let y = attributes.values[row * width + target] > 0 ? 1 : 0
      let place = attributes.values[row * width + spurious] > 0 ? 1 : 0
      samples.append(
        Sample(
          imagePath: prefix + image, y: y, place: place, split: split,
          line: attributes.lines[row]))
    }
    var hash = Fingerprint.of(attrBytes)
    hash = Fingerprint.combine(hash, Fingerprint.of(partBytes))
    hash = Fingerprint.combine(
      hash, Fingerprint.of(Array("\(options.targetAttribute)/\(options.spuriousAttribute)".utf8)))
    return Dataset(
      kind: .celebA, root: root, metadataPath: attrURL.path, layout: layout,
      targetName: options.targetAttribute, spuriousName: options.spuriousAttribute,
      samples: samples, fingerprint: hash)
  }

  /// CelebA images sit in `img_align_celeba/` (official) or, unzipped from Kaggle, in
  /// `img_align_celeba/img_align_celeba/`; the first image that exists decides.
  private static func imageFolderPrefix(root: URL, firstImage: String?) -> String {
    let candidates = ["img_align_celeba/", "img_align_celeba/img_align_celeba/", ""]
    guard let firstImage else { return candidates[0] }
    for prefix in candidates
    where FileManager.default.fileExists(
      atPath: root.appendingPathComponent(prefix + firstImage).path)
    {
      return prefix
    }
    return candidates[0]
  }

  static func readBytes(_ url: URL) throws -> [UInt8] {
    do {
      return [UInt8](try Data(contentsOf: url))
    } catch {
      throw DatasetError.unreadableFile(path: url.path, reason: error.localizedDescription)
    }
  }

  /// The samples of one split, in file order (a sample's index in the split is its
  /// position here, as the reference's dataset index).
  public func split(_ split: Split) throws -> DatasetSplit {
    let chosen = samples.filter { $0.split == split }
    if chosen.isEmpty {
      throw DatasetError.emptySplit(path: metadataPath, split: split.description)
    }
    return DatasetSplit(dataset: self, split: split, samples: chosen)
  }

  /// The URL of a sample's image.
  public func imageURL(_ sample: Sample) -> URL {
    root.appendingPathComponent(sample.imagePath)
  }
}

/// FNV-1a 64-bit: a stable hash for cache keys (not for security).
enum Fingerprint {
  static func of(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      h ^= UInt64(b)
      h &*= 0x0000_0100_0000_01b3
    }
    return h
  }

  static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
    of(
      withUnsafeBytes(of: a.littleEndian) { Array($0) }
        + withUnsafeBytes(of: b.littleEndian) { Array($0) })
  }
}
