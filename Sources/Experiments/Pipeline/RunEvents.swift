import Datasets

/// What a long-running loop reports as it goes, for the command line to show. Library
/// code never prints; it calls the run's event handler.
public enum RunEvent: Sendable {
  /// A line of information (dataset counts, loaded keys, resumed epoch, ...).
  case note(String)
  /// A warning worth the user's attention (count mismatch, unexpected keys, ...).
  case warning(String)
  /// A training batch finished.
  case batch(BatchProgress)
  /// A model state was evaluated on a split. `state` counts finished epochs (0 is the
  /// starting model).
  case evaluated(state: Int, split: Split, metrics: GroupMetrics)
  /// An epoch finished training and was saved.
  case epochFinished(epoch: Int, loss: Double, learningRate: Double, seconds: Double)
}

/// Receives `RunEvent`s.
public typealias RunEventHandler = @Sendable (RunEvent) -> Void
