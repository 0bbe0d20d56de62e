import Dispatch
import Testing

@testable import Tensor

@Suite("ThreadPool")
struct ThreadPoolTests {
  /// Runs `parallelFor(count)` on `pool`, counting how often each index ran.
  static func counts(_ pool: ThreadPool, _ count: Int) -> [Int] {
    let hits = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
    hits.initialize(repeating: 0, count: max(count, 1))
    defer { hits.deallocate() }
    pool.parallelFor(count) { i in hits[i] += 1 }
    return Array(UnsafeBufferPointer(start: hits, count: count))
  }

  @Test("runs every index exactly once, for any count and pool size")
  func everyIndexOnce() {
    for pool in [KernelTestPools.one, KernelTestPools.two, KernelTestPools.three] {
      for count in [0, 1, 2, 3, 7, 1000] {
        #expect(Self.counts(pool, count) == [Int](repeating: 1, count: count))
      }
    }
  }

  @Test("repeated calls reuse the workers and stay correct")
  func repeatedCalls() {
    for _ in 0..<500 {
      #expect(Self.counts(KernelTestPools.three, 5) == [1, 1, 1, 1, 1])
    }
  }

  @Test("a nested parallelFor runs serially inside the task instead of deadlocking")
  func nestedCalls() {
    let pool = KernelTestPools.two
    let hits = UnsafeMutablePointer<Int>.allocate(capacity: 40)
    hits.initialize(repeating: 0, count: 40)
    defer { hits.deallocate() }
    pool.parallelFor(4) { outer in
      pool.parallelFor(10) { inner in hits[outer * 10 + inner] += 1 }
    }
    #expect(Array(UnsafeBufferPointer(start: hits, count: 40)) == [Int](repeating: 1, count: 40))
  }

  @Test("calls from two threads at once both complete")
  func concurrentCallers() {
    let pool = ThreadPool(threadCount: 2)
    let hits = UnsafeMutablePointer<Int>.allocate(capacity: 2 * 300)
    hits.initialize(repeating: 0, count: 2 * 300)
    defer { hits.deallocate() }
    DispatchQueue.concurrentPerform(iterations: 2) { caller in
      for round in 0..<100 {
        pool.parallelFor(3) { i in hits[caller * 300 + round * 3 + i] += 1 }
      }
    }
    #expect(
      Array(UnsafeBufferPointer(start: hits, count: 600)) == [Int](repeating: 1, count: 600))
  }

  @Test("a pool has at least one thread")
  func atLeastOneThread() {
    #expect(ThreadPool(threadCount: 0).threadCount == 1)
    #expect(ThreadPool(threadCount: -3).threadCount == 1)
    #expect(ThreadPool.defaultThreadCount() >= 1)
  }
}
