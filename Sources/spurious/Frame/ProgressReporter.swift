import Arguments
import Dispatch
import Foundation

/// Reports the progress of a long task on standard error.
///
/// On a terminal it redraws a bar with count, rate and ETA in place (at most ten times
/// a second); in a log (standard error redirected) it writes one plain line every
/// `plainInterval` steps. `finish()` prints a summary line either way; call it once
/// the work is done (or stopped).
/// Safe to call from several threads.
final class ProgressReporter {
  private let lock = NSLock()
  private var progress: ProgressSnapshot
  private let start = DispatchTime.now().uptimeNanoseconds
  private let drawsInPlace: Bool
  private let plainInterval: Int
  private var lastDraw: UInt64 = 0
  private var lastPlainStep = 0
  private var finished = false

  /// - Parameters:
  ///   - total: steps in all, when known (gives a bar and an ETA).
  ///   - unit: what a step is, for the rate ("img", "batch").
  ///   - plainInterval: steps between plain lines; by default a tenth of the total, or
  ///     100 when the total is unknown.
  init(_ label: String, total: Int?, unit: String = "it", plainInterval: Int? = nil) {
    progress = ProgressSnapshot(label: label, completed: 0, total: total, elapsed: 0, unit: unit)
    drawsInPlace = Console.diagnosticsAreTerminal
    self.plainInterval = max(1, plainInterval ?? total.map { $0 / 10 } ?? 100)
  }

  /// Records `steps` more steps done.
  func advance(by steps: Int = 1) {
    lock.lock()
    defer { lock.unlock() }
    update(completed: progress.completed + steps)
  }

  /// Ends the report with a summary line.
  func finish() {
    lock.lock()
    defer { lock.unlock() }
    guard !finished else { return }
    finished = true
    progress.elapsed = secondsSinceStart()
    if drawsInPlace { Console.clearStatus() }
    Console.diagnostic(ProgressText.summary(progress) + "\n")
  }

  private func update(completed: Int) {
    guard !finished else { return }
    progress.completed = completed
    let now = DispatchTime.now().uptimeNanoseconds
    progress.elapsed = Double(now - start) / 1e9
    let done = progress.total.map { completed >= $0 } ?? false

    if drawsInPlace {
      guard done || now - lastDraw >= 100_000_000 else { return }
      lastDraw = now
      Console.status(ProgressText.bar(progress, width: Console.terminalWidth - 1))
    } else if completed - lastPlainStep >= plainInterval && !done {
      // The last step is reported by `finish()`'s summary instead.
      lastPlainStep = completed
      Console.diagnostic(ProgressText.line(progress) + "\n")
    }
  }

  private func secondsSinceStart() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }
}
