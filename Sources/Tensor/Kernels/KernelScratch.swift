#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Per-thread working memory for the kernels: packed panels, padded planes, tiles.
///
/// Each thread (pool worker or caller) owns one set of buffers, one per `Slot`, that
/// grow to the largest size asked for and are then reused by every later call, so a
/// kernel allocates nothing on its hot path. Buffers are 64-byte aligned. Distinct
/// slots let a kernel call another on the same thread (a convolution running a GEMM)
/// without the two sharing memory. Freed when the thread exits.
enum KernelScratch {
  enum Slot: Int, CaseIterable {
    case gemmPackedA, gemmPackedB, convPlanes, convGrid, convColumns, convWeights, convTile
    case convOffsets, convFlippedWeights, winogradWeights, convPhases
  }

  /// At least `count` floats of this thread's buffer for `slot`; contents undefined.
  /// Valid until the same thread asks for the same slot again.
  static func floats(_ slot: Slot, count: Int) -> UnsafeMutablePointer<Float> {
    buffers().floats(slot, count: count)
  }

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    #if canImport(Darwin)
      let status = pthread_key_create(&key) { pointer in
        Unmanaged<ThreadBuffers>.fromOpaque(pointer).release()
      }
    #else
      let status = pthread_key_create(&key) { pointer in
        if let pointer { Unmanaged<ThreadBuffers>.fromOpaque(pointer).release() }
      }
    #endif
    precondition(status == 0, "KernelScratch: pthread_key_create failed (\(status))")
    return key
  }()

  private static func buffers() -> ThreadBuffers {
    if let pointer = pthread_getspecific(key) {
      return Unmanaged<ThreadBuffers>.fromOpaque(pointer).takeUnretainedValue()
    }
    let buffers = ThreadBuffers()
    pthread_setspecific(key, Unmanaged.passRetained(buffers).toOpaque())
    return buffers
  }
}

/// One thread's buffers, one per slot.
private final class ThreadBuffers {
  private var pointers = [UnsafeMutablePointer<Float>?](
    repeating: nil, count: KernelScratch.Slot.allCases.count)
  private var capacities = [Int](repeating: 0, count: KernelScratch.Slot.allCases.count)

  func floats(_ slot: KernelScratch.Slot, count: Int) -> UnsafeMutablePointer<Float> {
    let index = slot.rawValue
    if capacities[index] < count || pointers[index] == nil {
      pointers[index]?.deallocate()
      // Grow with headroom so slowly increasing sizes do not reallocate every call.
      let capacity = max(count, capacities[index] + capacities[index] / 2, 1024)
      pointers[index] = UnsafeMutableRawPointer.allocate(
        byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64
      ).bindMemory(to: Float.self, capacity: capacity)
      capacities[index] = capacity
    }
    return pointers[index]!
  }

  deinit {
    for pointer in pointers { pointer?.deallocate() }
  }
}
