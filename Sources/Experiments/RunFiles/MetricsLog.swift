import Foundation

/// One line of `metrics.jsonl`: a measurement at one epoch, for one split, either for one
/// group (`group` set) or for the whole split (`group` nil, with the aggregate fields).
/// Absent values are omitted from the line.
public struct MetricsRecord: Codable, Equatable, Sendable {
  /// 0-based epoch, as the reference counts.
  public var epoch: Int
  /// `train`, `val`, `test`, or `optimizer` for training-loss records.
  public var split: String
  /// Group index 0...3 (g = 2y + place), nil for the whole split.
  public var group: Int?
  /// Samples evaluated.
  public var count: Int?
  /// Correct predictions among them.
  public var correct: Int?
  /// `correct / count` for a group, plain accuracy for the whole split.
  public var accuracy: Double?
  /// A loss (per-group mean cross-entropy, or the epoch's summed training loss).
  public var loss: Double?
  /// Whole split only: the lowest accuracy of a non-empty group.
  public var worstGroupAccuracy: Double?
  /// Whole split only: the unweighted mean of the non-empty groups' accuracies.
  public var meanGroupAccuracy: Double?
  /// Whole split only: accuracies weighted by the training group counts (the reference's
  /// `averag` row).
  public var trainingWeightedAccuracy: Double?
  /// Further named values (learning rate, NT-Xent loss, ...).
  public var extra: [String: Double]?

  public init(
    epoch: Int, split: String, group: Int? = nil, count: Int? = nil, correct: Int? = nil,
    accuracy: Double? = nil, loss: Double? = nil, worstGroupAccuracy: Double? = nil,
    meanGroupAccuracy: Double? = nil, trainingWeightedAccuracy: Double? = nil,
    extra: [String: Double]? = nil
  ) {
    self.epoch = epoch
    self.split = split
    self.group = group
    self.count = count
    self.correct = correct
    self.accuracy = accuracy
    self.loss = loss
    self.worstGroupAccuracy = worstGroupAccuracy
    self.meanGroupAccuracy = meanGroupAccuracy
    self.trainingWeightedAccuracy = trainingWeightedAccuracy
    self.extra = extra
  }

  /// The records of one evaluation: one per group, then one for the whole split.
  /// `groupLosses`, when given, holds the per-group mean loss.
  public static func records(
    epoch: Int, split: String, metrics: GroupMetrics, groupLosses: [Double]? = nil
  ) -> [MetricsRecord] {
    var out = metrics.groups.map { group in
      MetricsRecord(
        epoch: epoch, split: split, group: group.group, count: group.count,
        correct: group.correct, accuracy: group.accuracy,
        loss: groupLosses.map { $0[group.group] })
    }
    out.append(
      MetricsRecord(
        epoch: epoch, split: split, count: metrics.count, correct: metrics.correct,
        accuracy: metrics.accuracy, worstGroupAccuracy: metrics.worstGroupAccuracy,
        meanGroupAccuracy: metrics.meanGroupAccuracy,
        trainingWeightedAccuracy: metrics.trainingWeightedAccuracy))
    return out
  }
}

/// `metrics.jsonl`: one JSON record per line, appended a whole line at a time. On resume
/// the log is cut back to the epochs before the resumed one, so a resumed run's file
/// equals the one an uninterrupted run writes.
public struct MetricsLog: Sendable {
  /// The log file.
  public let url: URL

  /// The file name inside a run folder.
  public static let fileName = "metrics.jsonl"

  /// The log of `directory`.
  public init(directory: RunDirectory) {
    url = directory.file(MetricsLog.fileName)
  }

  /// The log at `url`.
  public init(url: URL) {
    self.url = url
  }

  /// Appends `records`, one line each, with a single write and a flush to disk.
  public func append(_ records: [MetricsRecord]) throws {
    guard !records.isEmpty else { return }
    let encoder = makeJSONEncoder(pretty: false)
    var data = Data()
    for record in records {
      data += try encoder.encode(record)
      data += Data("\n".utf8)
    }
    if !FileManager.default.fileExists(atPath: url.path) {
      try AtomicFile.write(data, to: url)
      return
    }
    do {
      let handle = try FileHandle(forUpdating: url)
      defer { try? handle.close() }
      let end = try handle.seekToEnd()
      if end > 0 {
        // A killed write can leave a partial last line; cut it so the new lines stay whole.
        try handle.seek(toOffset: end - 1)
        if handle.readData(ofLength: 1) != Data("\n".utf8) {
          try handle.close()
          try dropPartialLastLine()
          try append(records)
          return
        }
      }
      try handle.write(contentsOf: data)
      try handle.synchronize()
    } catch {
      throw ExperimentsError.io(path: url.path, operation: "append", reason: "\(error)")
    }
  }

  /// All records in file order. A last line without its newline is the trace of a killed
  /// write and is ignored; any other malformed line is an error naming its line number.
  public func read() throws -> [MetricsRecord] {
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw ExperimentsError.io(path: url.path, operation: "read", reason: "\(error)")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if let last = lines.last, !text.hasSuffix("\n") || last.isEmpty { lines.removeLast() }
    var records: [MetricsRecord] = []
    for (index, line) in lines.enumerated() where !line.isEmpty {
      records.append(
        try decodeJSON(
          MetricsRecord.self, from: Data(line.utf8), source: "\(url.path) line \(index + 1)"))
    }
    return records
  }

  private func dropPartialLastLine() throws {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ExperimentsError.io(path: url.path, operation: "read", reason: "\(error)")
    }
    let keep = (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? data.startIndex
    try AtomicFile.write(data[data.startIndex..<keep], to: url)
  }

  /// Keeps only the records of epochs before `epoch` (and drops a partial last line),
  /// rewriting the file atomically. Call it when resuming at `epoch`.
  public func truncate(toEpochsBefore epoch: Int) throws {
    guard FileManager.default.fileExists(atPath: url.path) else { return }
    let kept = try read().filter { $0.epoch < epoch }
    let encoder = makeJSONEncoder(pretty: false)
    var data = Data()
    for record in kept {
      data += try encoder.encode(record)
      data += Data("\n".utf8)
    }
    try AtomicFile.write(data, to: url)
  }
}

extension GroupMetrics {
  /// The per-group metrics of `split` at state `state` as `records` (a `metrics.jsonl`)
  /// hold them, or nil when the log has no group record for that state and split.
  public init?(records: [MetricsRecord], state: Int, split: String, trainingCounts: [Int]) {
    let groups = records.filter { $0.epoch == state && $0.split == split && $0.group != nil }
      .sorted { $0.group! < $1.group! }
      .map { GroupAccuracy(group: $0.group!, count: $0.count ?? 0, correct: $0.correct ?? 0) }
    guard !groups.isEmpty else { return nil }
    self.init(groups: groups, trainingCounts: trainingCounts)
  }
}
