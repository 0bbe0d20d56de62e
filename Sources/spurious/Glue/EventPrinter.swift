import Experiments
import Foundation

/// Shows a loop's `RunEvent`s: a progress bar per epoch on standard error, one line per
/// evaluation and per finished epoch.
final class EventPrinter: @unchecked Sendable {
  private let lock = NSLock()
  private var progress: ProgressReporter?
  private var progressEpoch = -1
  private let groups: [String]

  init(groupNames: [String] = []) {
    self.groups = groupNames
  }

  func handle(_ event: RunEvent) {
    lock.lock()
    defer { lock.unlock() }
    switch event {
    case .note(let text):
      Console.diagnostic(text + "\n")
    case .warning(let text):
      Console.diagnostic("warning: " + text + "\n")
    case .batch(let step):
      if step.epoch != progressEpoch {
        progress?.finish()
        progress = ProgressReporter(
          "epoch \(step.epoch)", total: step.batches, unit: "batch")
        progressEpoch = step.epoch
      }
      progress?.advance()
    case .evaluated(let state, let split, let metrics):
      let accuracies = metrics.groupAccuracies.map { String(format: "%.3f", $0) }
        .joined(separator: " ")
      let worst = metrics.worstGroupAccuracy.map { String(format: "%.3f", $0) } ?? "-"
      Console.diagnostic(
        "state \(state) \(split): accuracy \(String(format: "%.4f", metrics.accuracy))"
          + "  worst group \(worst)  groups [\(accuracies)]\n")
    case .epochFinished(let epoch, let loss, let rate, let seconds):
      progress?.finish()
      progress = nil
      Console.diagnostic(
        "epoch \(epoch) done: loss \(String(format: "%.4f", loss)), lr \(rate),"
          + " \(String(format: "%.1f", seconds)) s\n")
    }
  }
}
