import Dispatch
import Foundation

/// Runs `body(i)` for `i` in `0..<count` on up to `threads` threads, each taking the next
/// index from a shared counter; results go to fixed slots, so order never depends on
/// scheduling. `threads == 1` runs inline on the caller's thread.
func parallelSlots(_ count: Int, threads: Int, _ body: (Int) -> Void) {
  if count == 0 { return }
  let workers = max(1, min(threads, count))
  if workers == 1 {
    for i in 0..<count { body(i) }
    return
  }
  let lock = NSLock()
  var next = 0
  withoutActuallyEscaping(body) { body in
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        lock.lock()
        let i = next
        next += 1
        lock.unlock()
        if i >= count { return }
        body(i)
      }
    }
  }
}
