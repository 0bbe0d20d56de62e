import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The worker threads that every heavy kernel runs on.
///
/// `parallelFor` splits `0..<count` into tasks and returns when all have run. Results
/// must never depend on the thread count: kernels partition work so that each output
/// element is computed by exactly one task, in a fixed order.
///
/// The size defaults to the available cores, or to `SPURIOUS_THREADS` when set.
///
/// The threads are persistent: they are started once, sleep on a condition variable
/// between calls, and claim task indices one at a time from a shared counter, so an
/// uneven split (a busy shared machine) still balances. The calling thread works too,
/// so a pool of `threadCount` runs `threadCount - 1` extra threads.
///
/// Before sleeping, a worker that has finished a job watches for the next one for a
/// short while (`spinChecks`), and the caller watches for the workers to finish before
/// waiting on the condition: a kernel posts jobs back to back (a GEMM of 512^3 posts
/// four in 1.5 ms), and waking a sleeping thread through the kernel costs tens of
/// microseconds on this virtual machine each time.
///
/// One job at a time: a `parallelFor` that starts while the pool is already running
/// a job (a nested call from inside a task, or a call from a second thread) runs its
/// tasks serially on its own thread instead of waiting, so it can never deadlock.
/// `DispatchQueue.concurrentPerform` was measured as the alternative and sometimes
/// ran both halves on one thread here (PERFORMANCE.md; BENCHMARKS.md has the figures).
public final class ThreadPool: @unchecked Sendable {
  /// The pool that kernels use unless told otherwise.
  nonisolated(unsafe) public static var shared = ThreadPool(threadCount: defaultThreadCount())

  /// How many tasks may run at once.
  public let threadCount: Int

  private let state: PoolState

  /// Makes a pool of `threadCount` threads (at least 1).
  public init(threadCount: Int) {
    self.threadCount = max(1, threadCount)
    state = PoolState(workerCount: self.threadCount - 1)
    for worker in 0..<(self.threadCount - 1) {
      let state = self.state
      let thread = Thread { state.workerLoop() }
      thread.name = "spurious.pool.\(worker + 1)"
      thread.stackSize = 1 << 20
      thread.start()
    }
  }

  deinit {
    state.stop()
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

  /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool's threads, and
  /// returns when all have run. Tasks may run in any order and on any thread.
  public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count <= 0 { return }
    if threadCount == 1 || count == 1 {
      for i in 0..<count { body(i) }
      return
    }
    withoutActuallyEscaping(body) { body in
      if !state.run(count, body) {
        for i in 0..<count { body(i) }
      }
    }
  }
}

/// The state shared by a pool's caller and its workers, guarded by one mutex.
private final class PoolState: @unchecked Sendable {
  let workerCount: Int
  let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  /// Copies of `generation` and `workersStillRunning`, stored under `mutex` whenever
  /// those change, read without it while spinning.
  let postedGeneration = Atomic<Int>(0)
  let runningWorkers = Atomic<Int>(0)
  /// How many times a spinning thread reads the copies before it sleeps: about 30-60
  /// microseconds.
  static let spinChecks = 20_000

  // Guarded by `mutex`.
  var generation = 0
  var body: ((Int) -> Void)?
  var taskCount = 0
  var nextTask = 0
  var workersStillRunning = 0
  var busy = false
  var stopping = false

  init(workerCount: Int) {
    self.workerCount = workerCount
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(wake, nil)
    pthread_cond_init(finished, nil)
  }

  /// Runs the job with the workers; false (having run nothing) when a job is already
  /// running, so the caller runs this one serially.
  func run(_ count: Int, _ job: @escaping (Int) -> Void) -> Bool {
    pthread_mutex_lock(mutex)
    if busy {
      pthread_mutex_unlock(mutex)
      return false
    }
    busy = true
    body = job
    taskCount = count
    nextTask = 0
    workersStillRunning = workerCount
    runningWorkers.store(workerCount, ordering: .releasing)
    generation &+= 1
    postedGeneration.store(generation, ordering: .releasing)
    pthread_cond_broadcast(wake)
    runTasks(job)
    // The workers hold `job` until they report; wait for every one of them.
    if workersStillRunning > 0 {
      pthread_mutex_unlock(mutex)
      var checks = 0
      while runningWorkers.load(ordering: .acquiring) > 0 && checks < Self.spinChecks {
        checks += 1
      }
      pthread_mutex_lock(mutex)
    }
    while workersStillRunning > 0 { pthread_cond_wait(finished, mutex) }
    body = nil
    busy = false
    pthread_mutex_unlock(mutex)
    return true
  }

  /// Claims and runs tasks until none is left. Called and returns with `mutex` held.
  private func runTasks(_ job: (Int) -> Void) {
    while nextTask < taskCount {
      let task = nextTask
      nextTask += 1
      pthread_mutex_unlock(mutex)
      job(task)
      pthread_mutex_lock(mutex)
    }
  }

  func workerLoop() {
    pthread_mutex_lock(mutex)
    // Not `generation`: a job posted before this thread first takes the lock must
    // still count this worker, and jobs always wait for every worker.
    var seen = 0
    while true {
      while generation == seen && !stopping { pthread_cond_wait(wake, mutex) }
      if stopping { break }
      seen = generation
      if let job = body { runTasks(job) }
      workersStillRunning -= 1
      runningWorkers.store(workersStillRunning, ordering: .releasing)
      if workersStillRunning == 0 { pthread_cond_signal(finished) }
      // Watch for the next job before sleeping; `stop` is seen once asleep.
      pthread_mutex_unlock(mutex)
      var checks = 0
      while postedGeneration.load(ordering: .acquiring) == seen && checks < Self.spinChecks {
        checks += 1
      }
      pthread_mutex_lock(mutex)
    }
    pthread_mutex_unlock(mutex)
  }

  deinit {
    pthread_cond_destroy(finished)
    pthread_cond_destroy(wake)
    pthread_mutex_destroy(mutex)
    finished.deallocate()
    wake.deallocate()
    mutex.deallocate()
  }

  func stop() {
    pthread_mutex_lock(mutex)
    stopping = true
    pthread_cond_broadcast(wake)
    pthread_mutex_unlock(mutex)
  }
}
