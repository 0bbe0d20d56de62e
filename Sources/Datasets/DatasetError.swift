/// Why a dataset could not be read. Each message names the file and the place in it.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
  /// A file could not be opened or read.
  case unreadableFile(path: String, reason: String)
  /// The CSV (or whitespace table) syntax is broken at `line`.
  case malformedCSV(path: String, line: Int, reason: String)
  /// A required column is not in the header.
  case missingColumn(path: String, column: String, header: [String])
  /// A field does not hold what its column requires.
  case invalidValue(path: String, line: Int, column: String, expected: String, found: String)
  /// The image a metadata row names does not exist.
  case missingImage(path: String, line: Int, image: String)
  /// The image exists but could not be decoded.
  case undecodableImage(path: String, line: Int, image: String, reason: String)
  /// The folder holds none of the metadata layouts this dataset can be read from.
  case unrecognizedLayout(directory: String, reason: String)
  /// An attribute name is not a column of the attribute file.
  case unknownAttribute(path: String, name: String, available: [String])
  /// Two files disagree (e.g. CelebA's partition list lacks an image of the attribute list).
  case inconsistentFiles(path: String, line: Int, reason: String)
  /// A split has no samples.
  case emptySplit(path: String, split: String)
  /// A cache file exists but does not match what was asked (or is damaged).
  case invalidCache(path: String, reason: String)

  public var description: String {
    switch self {
    case .unreadableFile(let path, let reason):
      return "cannot read \(path): \(reason)"
    case .malformedCSV(let path, let line, let reason):
      return "\(path):\(line): malformed CSV: \(reason)"
    case .missingColumn(let path, let column, let header):
      return "\(path):1: missing column '\(column)'; the header has "
        + header.map { "'\($0)'" }.joined(separator: ", ")
    case .invalidValue(let path, let line, let column, let expected, let found):
      return "\(path):\(line): column '\(column)' should be \(expected), found '\(found)'"
    case .missingImage(let path, let line, let image):
      return "\(path):\(line): image file \(image) does not exist"
    case .undecodableImage(let path, let line, let image, let reason):
      return "\(path):\(line): cannot decode image \(image): \(reason)"
    case .unrecognizedLayout(let directory, let reason):
      return "\(directory): not a dataset folder: \(reason)"
    case .unknownAttribute(let path, let name, let available):
      return "\(path): no attribute '\(name)'; available: \(available.joined(separator: ", "))"
    case .inconsistentFiles(let path, let line, let reason):
      return "\(path):\(line): \(reason)"
    case .emptySplit(let path, let split):
      return "\(path): the \(split) split has no samples"
    case .invalidCache(let path, let reason):
      return "cache file \(path) is not usable: \(reason)"
    }
  }
}
