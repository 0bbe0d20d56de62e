// Software prefetch, which Swift does not offer: this one file is compiled with
// `-parse-stdlib` (see Package.swift) to reach LLVM's `llvm.prefetch` intrinsic
// through the compiler's `Builtin` module. The Clang importer's `_m_prefetch` is no
// substitute: Swift imports it as a function without effects and deletes every call.
import Swift

/// Asks the CPU to bring the cache line holding `address` into every cache level
/// (`prefetcht0`), without waiting for it and without faulting on a bad address.
/// For streams whose addresses the hardware prefetchers cannot guess: many short
/// runs at a large stride, such as the rows of a 56x56 feature map read 48 columns
/// at a time.
@inlinable @inline(__always)
public func prefetchForRead(_ address: UnsafeRawPointer) {
  // llvm.prefetch(address, rw: 0 = read, locality: 3 = keep in all levels, cache: 1 = data)
  Builtin.int_prefetch_RawPointer(
    address._rawValue, Int32(0)._value, Int32(3)._value, Int32(1)._value)
}

/// Asks the CPU to bring the cache line holding `address` into the caches ready to be
/// written (`prefetchw`), so that a later store does not wait for the line to be read.
@inlinable @inline(__always)
public func prefetchForWrite(_ address: UnsafeRawPointer) {
  Builtin.int_prefetch_RawPointer(
    address._rawValue, Int32(1)._value, Int32(3)._value, Int32(1)._value)
}
