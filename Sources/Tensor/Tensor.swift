/// A dense Float32 array of any rank, stored contiguously in row-major order, with
/// PyTorch's shape conventions (images `[N, C, H, W]`, linear weights `[out, in]`).
///
/// A tensor with `requiresGrad` takes part in reverse-mode differentiation: the ops
/// applied to it record how to send gradients back, and `backward()` on a scalar
/// result accumulates `grad` into every such leaf. Parameters are tensors with
/// `requiresGrad = true`.
///
/// Values are shared, not copied, by `reshaped` and `detached()`; writing through
/// `withUnsafeMutableBufferPointer` is seen by every tensor sharing the storage.
public final class Tensor: @unchecked Sendable {
  /// The size of each dimension, outermost first. A scalar has shape `[]`.
  public let shape: [Int]
  /// The values, `shape.reduce(1, *)` of them.
  public let storage: TensorStorage
  /// Whether gradients flow to this tensor. Set it on leaves (parameters); results of
  /// recorded ops have it set automatically.
  public var requiresGrad: Bool
  /// The accumulated gradient, same shape as the tensor, or nil before any backward
  /// pass reached it (or after `zeroGrad()`).
  public var grad: Tensor?
  /// How this tensor was computed, when the op was recorded; nil for leaves.
  var gradFunction: GradientFunction?

  /// Wraps existing storage. The storage must hold exactly the shape's element count.
  public init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
    precondition(
      shape.reduce(1, *) == storage.count,
      "Tensor: shape \(shape) needs \(shape.reduce(1, *)) values, storage has \(storage.count)")
    self.shape = shape
    self.storage = storage
    self.requiresGrad = requiresGrad
  }

  /// A tensor of the given shape whose values are not initialised; the caller must
  /// write all of them before reading.
  public convenience init(uninitializedShape shape: [Int]) {
    self.init(shape: shape, storage: TensorStorage(uninitializedCount: shape.reduce(1, *)))
  }

  /// A tensor of the given shape with every value equal to `value`.
  public convenience init(shape: [Int], repeating value: Float, requiresGrad: Bool = false) {
    self.init(
      shape: shape, storage: TensorStorage(count: shape.reduce(1, *), repeating: value),
      requiresGrad: requiresGrad)
  }

  /// A tensor holding `values` in row-major order.
  public convenience init(_ values: [Float], shape: [Int], requiresGrad: Bool = false) {
    let count = shape.reduce(1, *)
    precondition(
      values.count == count, "Tensor: \(values.count) values do not fill shape \(shape)")
    let storage = TensorStorage(uninitializedCount: count)
    values.withUnsafeBufferPointer { source in
      if count > 0 { storage.pointer.update(from: source.baseAddress!, count: count) }
    }
    self.init(shape: shape, storage: storage, requiresGrad: requiresGrad)
  }

  /// A rank-0 tensor holding one value.
  public convenience init(scalar value: Float, requiresGrad: Bool = false) {
    self.init([value], shape: [], requiresGrad: requiresGrad)
  }

  /// All zeros.
  public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    Tensor(shape: shape, repeating: 0, requiresGrad: requiresGrad)
  }

  /// All ones.
  public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    Tensor(shape: shape, repeating: 1, requiresGrad: requiresGrad)
  }

  /// Every value equal to `value`.
  public static func filled(_ shape: [Int], with value: Float, requiresGrad: Bool = false)
    -> Tensor
  {
    Tensor(shape: shape, repeating: value, requiresGrad: requiresGrad)
  }

  /// Zeros with the shape of `other`.
  public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// The number of values.
  public var count: Int { storage.count }

  /// Whether this tensor was not produced by a recorded op.
  public var isLeaf: Bool { gradFunction == nil }

  /// The values in row-major order.
  public func toArray() -> [Float] {
    Array(UnsafeBufferPointer(start: storage.pointer, count: count))
  }

  /// The only value of a one-element tensor (any rank).
  public var item: Float {
    precondition(count == 1, "Tensor.item: shape \(shape) holds \(count) values, not 1")
    return storage.pointer[0]
  }

  /// `shape[axis]`, with negative axes counted from the end.
  public func size(_ axis: Int) -> Int { shape[normalizedAxis(axis)] }

  /// The axis in `0..<rank` for an axis that may count from the end (`-1` is the last).
  public func normalizedAxis(_ axis: Int) -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < max(rank, 1), "Tensor: axis \(axis) out of range for \(shape)")
    return a
  }

  /// Calls `body` with the values for reading.
  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R)
    rethrows -> R
  {
    try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
  }

  /// Calls `body` with the values for writing in place (optimizer steps, kernels that
  /// fill a fresh tensor). Writes are seen by every tensor sharing this storage and
  /// are invisible to autograd.
  @inlinable
  public func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
  }

  /// A tensor sharing these values that records nothing and requires no gradient.
  public func detached() -> Tensor {
    Tensor(shape: shape, storage: storage)
  }

  /// A new tensor with a copy of the values (no gradient recorded).
  public func copy() -> Tensor {
    let result = Tensor(uninitializedShape: shape)
    copyParallel(from: storage.pointer, to: result.storage.pointer, count: count)
    return result
  }

  /// Overwrites this tensor's values with those of `source` (same element count),
  /// outside autograd. Used for loading weights and rewinding parameters.
  public func assign(_ source: Tensor) {
    precondition(
      source.count == count, "Tensor.assign: shape \(source.shape) into shape \(shape)")
    copyParallel(from: source.storage.pointer, to: storage.pointer, count: count)
  }

  /// Sets every value to `value`, outside autograd.
  public func fill(_ value: Float) {
    fillParallel(storage.pointer, count: count, value: value)
  }

  /// Forgets the accumulated gradient.
  public func zeroGrad() {
    grad = nil
  }
}

extension Tensor: CustomStringConvertible {
  /// The shape and up to eight leading values.
  public var description: String {
    let shown = toArray().prefix(8).map { "\($0)" }.joined(separator: ", ")
    return "Tensor(shape: \(shape), values: [\(shown)\(count > 8 ? ", ..." : "")])"
  }
}
