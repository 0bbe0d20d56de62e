import Foundation
import Imaging

/// The 8-bit evaluation crops of one split, stored once and reused by every evaluation
/// pass (the studies evaluate the same split many times).
///
/// File layout (little-endian): the magic `SPEVCAC1`; the key's length (UInt32) and UTF-8
/// bytes; the sample count (UInt64) and crop side (UInt32); one status byte per sample
/// (1 = crop present, 0 = image skipped as undecodable); then each crop as
/// `side x side` interleaved RGB bytes. The key names the dataset folder, a hash of its
/// metadata, the split and the transform; a file whose key, count or length differs is
/// rebuilt. Files are written to a temporary name and renamed, so a killed run never
/// leaves a truncated cache behind.
public final class EvalCache: @unchecked Sendable {
  static let magic = Array("SPEVCAC1".utf8)

  public let url: URL
  public let count: Int
  public let side: Int
  private let data: Data
  private let statusOffset: Int
  private let cropsOffset: Int

  /// The key identifying what a cache holds.
  static func key(split: DatasetSplit, transform: EvaluationTransform) -> String {
    let d = split.dataset
    return "root=\(d.root.standardizedFileURL.path)|metadata=\(String(d.fingerprint, radix: 16))"
      + "|split=\(split.split)|count=\(split.count)|transform=\(transform.identifier)"
  }

  /// Where the cache of `split` under `transform` lives in `directory`.
  public static func url(
    directory: URL, split: DatasetSplit, transform: EvaluationTransform
  ) -> URL {
    let key = key(split: split, transform: transform)
    let hash = String(Fingerprint.of(Array(key.utf8)), radix: 16)
    return directory.appendingPathComponent(
      "\(split.dataset.kind.rawValue)-\(split.split)-\(transform.identifier)-\(hash).evalcache")
  }

  /// Opens and validates a cache file; throws `invalidCache` saying what does not match.
  init(url: URL, expectedKey: String, expectedCount: Int, expectedSide: Int) throws {
    let data: Data
    do {
      data = try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
      throw DatasetError.invalidCache(path: url.path, reason: "\(error.localizedDescription)")
    }
    func fail(_ reason: String) -> DatasetError { .invalidCache(path: url.path, reason: reason) }
    var offset = 0
    func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
      let size = MemoryLayout<T>.size
      guard offset + size <= data.count else { throw fail("truncated header") }
      var value: T = 0
      _ = withUnsafeMutableBytes(of: &value) {
        data.copyBytes(to: $0, from: offset..<(offset + size))
      }
      offset += size
      return T(littleEndian: value)
    }
    guard data.count >= 8, Array(data.prefix(8)) == Self.magic else {
      throw fail("not a spurious evaluation cache (bad magic)")
    }
    offset = 8
    let keyLength = Int(try read(UInt32.self))
    guard keyLength <= 1 << 16, offset + keyLength <= data.count else {
      throw fail("truncated key")
    }
    let key = String(decoding: data[offset..<(offset + keyLength)], as: UTF8.self)
    offset += keyLength
    guard key == expectedKey else { throw fail("made for \(key), expected \(expectedKey)") }
    let count = Int(try read(UInt64.self))
    let side = Int(try read(UInt32.self))
    guard count == expectedCount, side == expectedSide else {
      throw fail(
        "holds \(count) crops of \(side)px, expected \(expectedCount) of \(expectedSide)px")
    }
    let expectedLength = offset + count + count * side * side * 3
    guard data.count == expectedLength else {
      throw fail("\(data.count) bytes, expected \(expectedLength)")
    }
    self.url = url
    self.count = count
    self.side = side
    self.data = data
    statusOffset = offset
    cropsOffset = offset + count
  }

  /// The crop of sample `index`, or nil when the image was skipped.
  public func crop(_ index: Int) -> RGBImage? {
    precondition(index >= 0 && index < count, "EvalCache: index \(index) of \(count)")
    guard data[data.startIndex + statusOffset + index] == 1 else { return nil }
    let bytes = side * side * 3
    let start = data.startIndex + cropsOffset + index * bytes
    return RGBImage(width: side, height: side, pixels: [UInt8](data[start..<(start + bytes)]))
  }

  /// Writes a cache file: `crops[i]` nil marks a skipped image. The file appears
  /// atomically under `url`.
  static func write(
    to url: URL, key: String, side: Int, count: Int,
    produce: (_ chunk: Range<Int>) throws -> [RGBImage?]
  ) throws {
    let fm = FileManager.default
    let directory = url.deletingLastPathComponent()
    do {
      try fm.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw DatasetError.unreadableFile(
        path: directory.path,
        reason: "cannot create the cache folder: \(error.localizedDescription)")
    }
    let temporary = directory.appendingPathComponent(
      ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    guard fm.createFile(atPath: temporary.path, contents: nil),
      let handle = try? FileHandle(forWritingTo: temporary)
    else {
      throw DatasetError.unreadableFile(path: temporary.path, reason: "cannot create the file")
    }
    var removeTemporary = true
    defer {
      try? handle.close()
      if removeTemporary { try? fm.removeItem(at: temporary) }
    }
    var header = magic
    let keyBytes = Array(key.utf8)
    withUnsafeBytes(of: UInt32(keyBytes.count).littleEndian) { header += $0 }
    header += keyBytes
    withUnsafeBytes(of: UInt64(count).littleEndian) { header += $0 }
    withUnsafeBytes(of: UInt32(side).littleEndian) { header += $0 }
    let statusStart = UInt64(header.count)
    header += [UInt8](repeating: 0, count: count)
    try handle.write(contentsOf: header)

    // Crops in chunks, so memory stays bounded; statuses are patched in at the end.
    var status = [UInt8](repeating: 0, count: count)
    let blank = [UInt8](repeating: 0, count: side * side * 3)
    let chunk = 256
    for start in stride(from: 0, to: count, by: chunk) {
      let range = start..<min(start + chunk, count)
      let crops = try produce(range)
      var bytes: [UInt8] = []
      bytes.reserveCapacity(range.count * blank.count)
      for (i, crop) in zip(range, crops) {
        if let crop {
          precondition(crop.width == side && crop.height == side, "EvalCache: crop size")
          bytes += crop.pixels
          status[i] = 1
        } else {
          bytes += blank
        }
      }
      try handle.write(contentsOf: bytes)
    }
    try handle.seek(toOffset: statusStart)
    try handle.write(contentsOf: status)
    try handle.synchronize()
    try handle.close()
    if rename(temporary.path, url.path) != 0 {
      throw DatasetError.unreadableFile(
        path: url.path, reason: "cannot move the finished cache into place (errno \(errno))")
    }
    removeTemporary = false
  }
}
