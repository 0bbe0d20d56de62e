/// The text of progress reports: a bar redrawn in place on a terminal, plain lines
/// in logs, and a closing summary. Pure formatting; the executable decides when to
/// write and where.
public enum ProgressText {
  /// One terminal line, `width` columns at most:
  /// `train [=========>          ] 120/500  24.1 img/s  ETA 0:16`.
  /// The bar is dropped when the line has no room for 10 cells of it.
  public static func bar(_ progress: ProgressSnapshot, width: Int = 80) -> String {
    let status = counts(progress) + "  " + rateAndTime(progress)
    guard let total = progress.total, total > 0 else {
      return clipped(progress.label + "  " + status, width: width)
    }
    let cells = width - progress.label.count - status.count - 4
    guard cells >= 10 else { return clipped(progress.label + "  " + status, width: width) }
    let filled = min(cells, cells * progress.completed / total)
    var bar = String(repeating: "=", count: filled)
    if filled < cells {
      bar += ">" + String(repeating: " ", count: cells - filled - 1)
    }
    return "\(progress.label) [\(bar)] \(status)"
  }

  /// One log line: `train: 120/500 (24%)  24.1 img/s  ETA 0:16`.
  public static func line(_ progress: ProgressSnapshot) -> String {
    var text = "\(progress.label): \(counts(progress))"
    if let total = progress.total, total > 0 {
      text += " (\(100 * progress.completed / total)%)"
    }
    return text + "  " + rateAndTime(progress)
  }

  /// The closing line: `train: 500/500 in 0:20 (25.0 img/s)`.
  public static func summary(_ progress: ProgressSnapshot) -> String {
    "\(progress.label): \(counts(progress)) in \(duration(progress.elapsed))"
      + " (\(rate(progress)))"
  }

  /// `0:07`, `12:34`, `1:02:03`.
  public static func duration(_ seconds: Double) -> String {
    let whole = Int(seconds.isFinite ? max(0, seconds.rounded()) : 0)
    let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
    let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
    return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(minutes):\(two(rest))"
  }

  // MARK: - Parts

  private static func counts(_ progress: ProgressSnapshot) -> String {
    progress.total.map { "\(progress.completed)/\($0)" } ?? "\(progress.completed)"
  }

  /// Steps per second, or seconds per step when steps are slower than one a second.
  private static func rate(_ progress: ProgressSnapshot) -> String {
    guard progress.elapsed > 0, progress.completed > 0 else { return "-- \(progress.unit)/s" }
    let perSecond = Double(progress.completed) / progress.elapsed
    if perSecond >= 1 { return "\(oneDecimal(perSecond)) \(progress.unit)/s" }
    return "\(oneDecimal(1 / perSecond)) s/\(progress.unit)"
  }

  private static func rateAndTime(_ progress: ProgressSnapshot) -> String {
    let text = rate(progress)
    guard let total = progress.total, progress.completed > 0, progress.elapsed > 0 else {
      return text + "  " + duration(progress.elapsed)
    }
    let remaining =
      Double(total - progress.completed) * progress.elapsed
      / Double(progress.completed)
    return text + "  ETA " + duration(remaining)
  }

  private static func oneDecimal(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }

  private static func clipped(_ text: String, width: Int) -> String {
    text.count <= width ? text : String(text.prefix(width))
  }
}
