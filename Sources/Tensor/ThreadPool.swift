import Dispatch
import Foundation

/// The worker threads that every heavy kernel runs on.
///
/// `parallelFor` splits `0..<count` into tasks and returns when all have run. Results
/// must never depend on the thread count: kernels partition work so that each output
/// element is computed by exactly one task, in a fixed order.
///
/// The size defaults to the available cores, or to `SPURIOUS_THREADS` when set.
public final class ThreadPool: @unchecked Sendable {
  /// The pool that kernels use unless told otherwise.
  nonisolated(unsafe) public static var shared = ThreadPool(threadCount: defaultThreadCount())

  /// How many tasks may run at once.
  public let threadCount: Int

  /// Makes a pool of `threadCount` threads (at least 1).
  public init(threadCount: Int) {
    self.threadCount = max(1, threadCount)
  }

  /// The core count, or `SPURIOUS_THREADS` when it holds a positive integer.
  public static func defaultThreadCount() -> Int {
    if let text = ProcessInfo.processInfo.environment["SPURIOUS_THREADS"],
      let n = Int(text), n > 0
    {
      return n
    }
    return ProcessInfo.processInfo.activeProcessorCount
  }

  /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool's threads.
  public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count <= 0 { return }
    if threadCount == 1 || count == 1 {
      for i in 0..<count { body(i) }
      return
    }
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: count) { i in body(i) }
    }
  }
}
