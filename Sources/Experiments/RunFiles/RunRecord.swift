import Foundation

/// `run.json`: what a run was asked to do, enough to repeat it. Written once when the run
/// starts (and rewritten with `finished` when it ends), atomically.
public struct RunRecord: Codable, Equatable, Sendable {
  /// The command line as typed, program name first.
  public var commandLine: [String]
  /// The subcommand (`pretrain`, `study largest`, `prune-finetune`, ...).
  public var command: String
  /// Every setting after defaults were applied, by option name.
  public var settings: [String: JSONValue]
  /// The toolkit's version.
  public var version: String
  /// The one seed every random choice derives from.
  public var seed: UInt64
  /// Samples per group in each split used, e.g. `["train": [3498, 184, 56, 1057]]`.
  public var datasetCounts: [String: [Int]]
  /// ISO 8601 time the run started.
  public var started: String
  /// ISO 8601 time the run finished, nil while it runs or if it was killed.
  public var finished: String?

  public init(
    commandLine: [String], command: String, settings: [String: JSONValue], version: String,
    seed: UInt64, datasetCounts: [String: [Int]], started: Date = Date(), finished: Date? = nil
  ) {
    self.commandLine = commandLine
    self.command = command
    self.settings = settings
    self.version = version
    self.seed = seed
    self.datasetCounts = datasetCounts
    self.started = RunRecord.timestamp(started)
    self.finished = finished.map(RunRecord.timestamp)
  }

  /// The file name inside a run folder.
  public static let fileName = "run.json"

  /// Writes the record to `run.json` in `directory`, atomically, keys sorted.
  public func write(to directory: RunDirectory) throws {
    try AtomicFile.write(try encodedJSON(), to: directory.file(RunRecord.fileName))
  }

  /// Reads `run.json` from `directory`.
  public static func read(from directory: RunDirectory) throws -> RunRecord {
    try decodeJSON(RunRecord.self, from: directory.file(fileName))
  }

  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  func encodedJSON() throws -> Data {
    try makeJSONEncoder().encode(self) + Data("\n".utf8)
  }
}

/// A JSON encoder for our own files: sorted keys, indented, NaN and infinities written as
/// the strings "NaN", "Infinity", "-Infinity" (plain JSON has no such numbers).
func makeJSONEncoder(pretty: Bool = true) -> JSONEncoder {
  let encoder = JSONEncoder()
  encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
  encoder.nonConformingFloatEncodingStrategy = .convertToString(
    positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
  return encoder
}

/// Decodes one of our JSON files, turning decoding failures into `malformed` errors that
/// name the file.
func decodeJSON<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
  let data: Data
  do {
    data = try Data(contentsOf: url)
  } catch {
    throw ExperimentsError.missing(path: url.path, what: "the file")
  }
  return try decodeJSON(type, from: data, source: url.path)
}

func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws -> T {
  let decoder = JSONDecoder()
  decoder.nonConformingFloatDecodingStrategy = .convertFromString(
    positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
  do {
    return try decoder.decode(type, from: data)
  } catch let DecodingError.dataCorrupted(context) {
    throw ExperimentsError.malformed(
      file: source, place: codingPath(context.codingPath), expected: "valid JSON",
      found: context.debugDescription)
  } catch let DecodingError.keyNotFound(key, context) {
    throw ExperimentsError.malformed(
      file: source, place: codingPath(context.codingPath),
      expected: "a member \"\(key.stringValue)\"",
      found: "none")
  } catch let DecodingError.typeMismatch(type, context) {
    throw ExperimentsError.malformed(
      file: source, place: codingPath(context.codingPath), expected: "a value of type \(type)",
      found: context.debugDescription)
  } catch let DecodingError.valueNotFound(type, context) {
    throw ExperimentsError.malformed(
      file: source, place: codingPath(context.codingPath), expected: "a value of type \(type)",
      found: "null")
  } catch {
    throw ExperimentsError.malformed(
      file: source, place: "top level", expected: "valid JSON", found: "\(error)")
  }
}

private func codingPath(_ path: [CodingKey]) -> String {
  path.isEmpty
    ? "top level"
    : "at " + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
}
