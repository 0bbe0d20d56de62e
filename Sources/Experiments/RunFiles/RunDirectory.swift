import Foundation

/// The folder one run writes into (DESIGN.md "Run directories"): `run.json`,
/// `epoch_{e}.safetensors` checkpoints, `metrics.jsonl`, the reference's text reports
/// and SVG plots. A folder that already holds files is a previous run and is never
/// overwritten silently.
public struct RunDirectory: Sendable {
  /// The run's folder.
  public let url: URL

  /// Where runs go when no `--out` is given.
  public static let defaultRoot = URL(fileURLWithPath: "experiments")

  /// Opens `url` as a run folder for a new run: creates it (and missing parents) when
  /// absent; when it exists and holds any file, throws `runExists` unless `force`, in
  /// which case the old folder and everything in it is removed first, so files of the
  /// old run never mix with the new one.
  public static func create(at url: URL, force: Bool) throws -> RunDirectory {
    let fm = FileManager.default
    var isFolder: ObjCBool = false
    if fm.fileExists(atPath: url.path, isDirectory: &isFolder) {
      guard isFolder.boolValue else {
        throw ExperimentsError.invalidArgument(
          what: url.path, expected: "a folder for the run", found: "an existing file")
      }
      let contents = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
      if !contents.isEmpty {
        guard force else { throw ExperimentsError.runExists(path: url.path) }
        do {
          try fm.removeItem(at: url)
        } catch {
          throw ExperimentsError.io(
            path: url.path, operation: "remove the previous run", reason: "\(error)")
        }
      }
    }
    do {
      try fm.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw ExperimentsError.io(path: url.path, operation: "create folder", reason: "\(error)")
    }
    return RunDirectory(url: url)
  }

  /// Opens an existing run folder to continue it (`--resume`).
  public static func resume(at url: URL) throws -> RunDirectory {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder),
      isFolder.boolValue
    else { throw ExperimentsError.missing(path: url.path, what: "the run folder to resume") }
    return RunDirectory(url: url)
  }

  /// The folder `root/name` (`--out` given: use it as is instead).
  public static func defaultURL(name: String, root: URL = defaultRoot) -> URL {
    root.appendingPathComponent(name)
  }

  /// Wraps an existing folder without checks (for readers such as `report`).
  public init(url: URL) {
    self.url = url
  }

  /// The path of `fileName` inside the run folder.
  public func file(_ fileName: String) -> URL {
    url.appendingPathComponent(fileName)
  }

  /// The checkpoint file name of epoch `epoch` (0-based, as the reference counts).
  public static func checkpointName(epoch: Int, extension ext: String = "safetensors") -> String {
    "epoch_\(epoch).\(ext)"
  }

  /// The epochs whose checkpoint `epoch_{e}.<ext>` is present, ascending. Checkpoints are
  /// written atomically, so a present file is a complete one; temporary files of a
  /// killed write are ignored.
  public func checkpointEpochs(extension ext: String = "safetensors") -> [Int] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    let suffix = "." + ext
    return names.compactMap { name -> Int? in
      guard name.hasPrefix("epoch_"), name.hasSuffix(suffix) else { return nil }
      let middle = name.dropFirst("epoch_".count).dropLast(suffix.count)
      guard !middle.isEmpty, middle.allSatisfy(\.isASCII), let e = Int(middle), e >= 0 else {
        return nil
      }
      return e
    }.sorted()
  }

  /// The epoch to resume after: the largest `e` such that the checkpoints of epochs
  /// 0...e are all present (a gap means later files cannot be trusted to follow on), or
  /// nil when epoch 0 is missing and the run must start from scratch.
  public func lastCompleteEpoch(extension ext: String = "safetensors") -> Int? {
    var last: Int?
    for (expected, e) in checkpointEpochs(extension: ext).enumerated() {
      guard e == expected else { break }
      last = e
    }
    return last
  }
}
