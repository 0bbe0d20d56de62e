/// Where a long task stands, for drawing its progress.
public struct ProgressSnapshot: Equatable {
  /// What is being done: "epoch 3/40 train".
  public var label: String
  /// Steps done so far.
  public var completed: Int
  /// Steps in all, when known.
  public var total: Int?
  /// Seconds since the task started.
  public var elapsed: Double
  /// What a step is, for the rate: "img", "batch", "it".
  public var unit: String

  public init(label: String, completed: Int, total: Int?, elapsed: Double, unit: String = "it") {
    self.label = label
    self.completed = completed
    self.total = total
    self.elapsed = elapsed
    self.unit = unit
  }
}
