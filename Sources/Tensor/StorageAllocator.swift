import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where tensor storage comes from. Small blocks use the C heap. Large blocks (at
/// least `mappedBlockBytes`) are mapped from the kernel and unmapped when freed, with a
/// cache of freed blocks that the next request of the same size takes back.
///
/// Why not the heap for everything: glibc serves blocks up to 32 MiB from its heap
/// once a few have been freed, and keeps freed heap memory resident. A training step
/// allocates and frees thousands of activation-sized blocks of a few dozen sizes,
/// which fragments the heap: a DeiT-S training step at batch 32 peaked at 3162 MiB
/// resident for 2428 MiB of live storage. Mapped blocks go back to the kernel when
/// freed, so resident memory follows live storage (2593 MiB with a 128 MiB cache).
///
/// The cache saves the page faults of fresh mappings (each new page is zeroed by the
/// kernel on first touch): a training step reuses the same sizes every time. It may
/// hold freed blocks as long as the mapped total (live plus cached) stays within
/// `cacheSlackBytes` of the live high-water mark, so it never raises the process's
/// peak by more than that, yet while live memory is low (late in backward) it keeps
/// enough for the next forward pass. Measured on DeiT-S at batch 32: 3.3 M page
/// faults over three steps with a fixed 128 MiB cache, 0.7 M with this rule
/// (1.6 M with glibc's heap), `/usr/bin/time -v spurious bench model --mode train`.
/// The price: after a peak, up to that peak's worth of freed blocks may stay mapped
/// until reused, so resident memory does not shrink back between peaks.
///
/// The slack was 64 MiB and blocks were reused at their exact size only. DeiT-S
/// inference at batch 32 then cycled its 29-39 MB attention and MLP blocks through
/// unmap and map in every transformer block: 570 k page faults and about 1.4 s of
/// system time per batch of 2.5 s. With 256 MiB and blocks up to half again the
/// request reused, the batches after the first fault fewer than 100 times each and the
/// run does 16.3-17.8 rather than 12.5 images/s. The peaks grew, still under PyTorch's
/// (BENCHMARKS.md): DeiT-S inference 338 -> 418 MiB, ResNet50 training at batch 16
/// 1755 -> 1987 MiB, DeiT-S training at batch 32 2533 -> 2681 MiB.
enum StorageAllocator {
  /// Blocks of at least this many bytes are mapped rather than taken from the heap.
  static let mappedBlockBytes = 1 << 20
  /// How far above the live high-water mark cached blocks may take the mapped total.
  static let cacheSlackBytes = 256 << 20
  /// A cached block serves a request of up to this fraction smaller: the waste is
  /// bounded, and a fresh mapping (whose every page faults) is saved.
  static let reuseSlackFraction = 2

  /// `byteCount` bytes aligned to `TensorStorage.alignment`, uninitialised.
  static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
    if byteCount < mappedBlockBytes {
      return UnsafeMutableRawPointer.allocate(
        byteCount: byteCount, alignment: TensorStorage.alignment)
    }
    return MappedBlockCache.shared.take(byteCount: pageRounded(byteCount))
  }

  /// Frees a block `allocate(byteCount:)` returned, with the same `byteCount`.
  static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    if byteCount < mappedBlockBytes {
      pointer.deallocate()
      return
    }
    MappedBlockCache.shared.give(pointer, byteCount: pageRounded(byteCount))
  }

  /// `byteCount` rounded up to a multiple of every page size in use (4, 16, 64 KiB).
  private static func pageRounded(_ byteCount: Int) -> Int {
    let unit = 1 << 16
    return (byteCount + unit - 1) / unit * unit
  }
}

/// Mapped blocks: how many bytes are in use, the most ever in use, and the freed
/// blocks kept for reuse, oldest first. Locked, since storage is freed on whichever
/// thread drops the last tensor.
final class MappedBlockCache: @unchecked Sendable {
  static let shared = MappedBlockCache(slackBytes: StorageAllocator.cacheSlackBytes)

  /// How far above `peakLiveBytes` the mapped total may go because of cached blocks.
  let slackBytes: Int
  private let lock = NSLock()
  private var blocks: [(byteCount: Int, pointer: UnsafeMutableRawPointer)] = []
  private var cached = 0
  private var live = 0
  private var peakLive = 0
  /// Blocks handed out for a smaller request, by address: their real size.
  private var oversized: [UnsafeMutableRawPointer: Int] = [:]

  init(slackBytes: Int) {
    self.slackBytes = slackBytes
  }

  /// Bytes of freed blocks held for reuse.
  var cachedBytes: Int { locked { cached } }

  /// Bytes of blocks handed out and not yet given back.
  var liveBytes: Int { locked { live } }

  /// The smallest cached block of `byteCount` bytes up to half again as many (the most
  /// recently freed of that size, whose pages are likeliest to be in the processor's
  /// caches), or a fresh mapping.
  func take(byteCount: Int) -> UnsafeMutableRawPointer {
    lock.lock()
    let largest = byteCount + byteCount / StorageAllocator.reuseSlackFraction
    var best: Int?
    for (index, block) in blocks.enumerated()
    where block.byteCount >= byteCount && block.byteCount <= largest
      && (best == nil || block.byteCount <= blocks[best!].byteCount)
    {
      best = index
    }
    if let best {
      let block = blocks.remove(at: best)
      cached -= block.byteCount
      live += block.byteCount
      peakLive = max(peakLive, live)
      if block.byteCount != byteCount { oversized[block.pointer] = block.byteCount }
      lock.unlock()
      return block.pointer
    }
    live += byteCount
    peakLive = max(peakLive, live)
    let evicted = evictBeyondBound()
    lock.unlock()
    unmap(evicted)
    guard
      let pointer = mmap(
        nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      pointer != MAP_FAILED
    else {
      // As when Swift's own allocator fails: there is no sensible way to go on.
      preconditionFailure("TensorStorage: cannot map \(byteCount) bytes (out of memory)")
    }
    return pointer
  }

  /// Keeps a freed block for reuse, unmapping the oldest ones beyond the bound;
  /// `requested` is the size asked of `take`.
  func give(_ pointer: UnsafeMutableRawPointer, byteCount requested: Int) {
    lock.lock()
    let byteCount = oversized.removeValue(forKey: pointer) ?? requested
    live -= byteCount
    blocks.append((byteCount, pointer))
    cached += byteCount
    let evicted = evictBeyondBound()
    lock.unlock()
    unmap(evicted)
  }

  /// Removes the oldest cached blocks until live plus cached bytes are within the
  /// slack of the live high-water mark; the caller unmaps them outside the lock.
  private func evictBeyondBound() -> [(byteCount: Int, pointer: UnsafeMutableRawPointer)] {
    var count = 0
    while count < blocks.count && live + cached > peakLive + slackBytes {
      cached -= blocks[count].byteCount
      count += 1
    }
    defer { blocks.removeFirst(count) }
    return Array(blocks.prefix(count))
  }

  deinit {
    unmap(blocks)
  }

  private func unmap(_ evicted: [(byteCount: Int, pointer: UnsafeMutableRawPointer)]) {
    for block in evicted { munmap(block.pointer, block.byteCount) }
  }

  private func locked<R>(_ body: () -> R) -> R {
    lock.lock()
    defer { lock.unlock() }
    return body()
  }
}
