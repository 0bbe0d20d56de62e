/// A fixed-size block of Float32 values, 64-byte aligned so that SIMD loads of whole
/// cache lines never straddle two of them. Freed when the last tensor using it goes.
///
/// Several tensors may share one storage (a reshape is a view); writes through one are
/// seen by all of them.
public final class TensorStorage: @unchecked Sendable {
  /// The first value; valid for `count` values.
  public let pointer: UnsafeMutablePointer<Float>
  /// How many values the block holds.
  public let count: Int

  /// The byte alignment of every storage block.
  public static let alignment = 64

  /// The bytes allocated for `count` values (at least one, so the pointer is valid).
  private static func byteCount(_ count: Int) -> Int {
    max(count, 1) * MemoryLayout<Float>.stride
  }

  /// A block of `count` uninitialised values (contents are whatever memory held).
  public init(uninitializedCount count: Int) {
    tensorPrecondition(count >= 0, "TensorStorage: negative count \(count)")
    let raw = StorageAllocator.allocate(byteCount: Self.byteCount(count))
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    self.count = count
  }

  /// A block of `count` values all equal to `value`.
  public convenience init(count: Int, repeating value: Float) {
    self.init(uninitializedCount: count)
    fillParallel(pointer, count: count, value: value)
  }

  deinit {
    StorageAllocator.deallocate(UnsafeMutableRawPointer(pointer), byteCount: Self.byteCount(count))
  }
}
