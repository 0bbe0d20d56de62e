import Testing

@testable import Tensor

@Suite("Storage allocator")
struct StorageAllocatorTests {
  static let mib = 1 << 20

  @Test("a freed mapped block is reused for the next request of its size")
  func reuse() {
    let mib = Self.mib
    let cache = MappedBlockCache(slackBytes: 8 * mib)
    let first = cache.take(byteCount: 2 * mib)
    let second = cache.take(byteCount: 2 * mib)
    #expect(first != second)
    cache.give(first, byteCount: 2 * mib)
    #expect(cache.cachedBytes == 2 * mib && cache.liveBytes == 2 * mib)
    // Another size maps afresh; the same size takes the cached block back.
    let other = cache.take(byteCount: 3 * mib)
    #expect(other != first)
    #expect(cache.take(byteCount: 2 * mib) == first)
    #expect(cache.cachedBytes == 0 && cache.liveBytes == 7 * mib)
    for (pointer, size) in [(first, 2 * mib), (second, 2 * mib), (other, 3 * mib)] {
      cache.give(pointer, byteCount: size)
    }
    #expect(cache.cachedBytes == 7 * mib && cache.liveBytes == 0)
  }

  @Test("a cached block up to half again as large serves a request and returns at its size")
  func reuseLarger() {
    let mib = Self.mib
    let cache = MappedBlockCache(slackBytes: 64 * mib)
    let (small, medium, large) = (
      cache.take(byteCount: 4 * mib), cache.take(byteCount: 5 * mib),
      cache.take(byteCount: 8 * mib)
    )
    for (pointer, size) in [(medium, 5 * mib), (small, 4 * mib), (large, 8 * mib)] {
      cache.give(pointer, byteCount: size)
    }
    // 4.5 MiB: the 5 MiB block is the smallest that holds it (8 is over 1.5x, 4 short).
    let taken = cache.take(byteCount: 9 * mib / 2)
    #expect(taken == medium)
    #expect(cache.liveBytes == 5 * mib && cache.cachedBytes == 12 * mib)
    // 6 MiB: nothing cached between 6 and 9 MiB but the 8 MiB block.
    #expect(cache.take(byteCount: 6 * mib) == large)
    // Given back with the size asked, each is counted at its own.
    cache.give(taken, byteCount: 9 * mib / 2)
    cache.give(large, byteCount: 6 * mib)
    #expect(cache.liveBytes == 0 && cache.cachedBytes == 17 * mib)
    // 13 MiB fits no cached block: a fresh mapping.
    let fresh = cache.take(byteCount: 13 * mib)
    #expect(![small, medium, large].contains(fresh))
    cache.give(fresh, byteCount: 13 * mib)
  }

  @Test("cached blocks never take the mapped total past the live high-water mark")
  func bound() {
    let mib = Self.mib
    let cache = MappedBlockCache(slackBytes: 1 * mib)
    let a = cache.take(byteCount: 2 * mib)
    let b = cache.take(byteCount: 2 * mib)
    cache.give(a, byteCount: 2 * mib)
    cache.give(b, byteCount: 2 * mib)
    // Live peaked at 4 MiB; both freed blocks fit under 4 + 1 MiB.
    #expect(cache.cachedBytes == 4 * mib)
    // A 3 MiB block misses the cache: 3 live + 4 cached > 5, so the oldest block (a)
    // goes, leaving 3 + 2.
    let c = cache.take(byteCount: 3 * mib)
    #expect(cache.cachedBytes == 2 * mib && cache.liveBytes == 3 * mib)
    #expect(cache.take(byteCount: 2 * mib) == b)
    cache.give(b, byteCount: 2 * mib)
    cache.give(c, byteCount: 3 * mib)
    #expect(cache.cachedBytes == 5 * mib && cache.liveBytes == 0)
  }

  @Test("large and small storage hold and return their values, 64-byte aligned")
  func roundTrip() {
    // 300k values (over 1 MiB, mapped) and 1000 (heap).
    for count in [300_001, 1000] {
      let values = (0..<count).map { Float($0 % 977) - 400 }
      let tensor = Tensor(values, shape: [count])
      #expect(tensor.toArray() == values)
      #expect(Int(bitPattern: tensor.storage.pointer) % TensorStorage.alignment == 0)
    }
  }
}
