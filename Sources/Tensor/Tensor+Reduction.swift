// Sums and means over all values or over chosen axes, with their gradients.

extension Tensor {
  /// The sum of all values, as a rank-0 tensor. Accumulated per fixed chunk and the
  /// chunks added in order in Double, so it does not depend on the thread count.
  public func sum() -> Tensor {
    let total = Float(sumAll(storage.pointer, count: count))
    let result = Tensor(scalar: total)
    if Tensor.needsGradient(self) {
      let inputShape = shape
      result.recordGradient("sum", inputs: [self]) { g in
        [Tensor.filled(inputShape, with: g.item)]
      }
    }
    return result
  }

  /// The mean of all values, as a rank-0 tensor.
  public func mean() -> Tensor {
    sum() * (1 / Float(max(count, 1)))
  }

  /// The sum over `axes` (negative axes count from the end). The result drops those
  /// axes, or keeps them with size 1 when `keepDims` is true.
  public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
    let normalized = Set(axes.map { normalizedAxis($0) }).sorted()
    let kept = sumRaw(axes: normalized)
    let resultShape =
      keepDims
      ? kept.shape
      : shape.enumerated().filter {
        !normalized.contains($0.offset)
      }.map(\.element)
    let result = kept.reshapedRaw(resultShape)
    if Tensor.needsGradient(self) {
      let inputShape = shape
      let keptShape = kept.shape
      result.recordGradient("sum(axes:)", inputs: [self]) { g in
        [g.reshapedRaw(keptShape).broadcastRaw(to: inputShape)]
      }
    }
    return result
  }

  /// The sum over one axis.
  public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
    sum(axes: [axis], keepDims: keepDims)
  }

  /// The mean over `axes`, dropping them unless `keepDims`.
  public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
    let n = Set(axes.map { normalizedAxis($0) }).reduce(1) { $0 * shape[$1] }
    return sum(axes: axes, keepDims: keepDims) * (1 / Float(max(n, 1)))
  }

  /// The mean over one axis.
  public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
    mean(axes: [axis], keepDims: keepDims)
  }

  /// The sum over the given (normalised, distinct) axes, keeping them with size 1.
  /// Not recorded.
  func sumRaw(axes: [Int]) -> Tensor {
    var current = self
    var currentShape = shape
    // Reduce one run of adjacent axes at a time, innermost run first.
    var remaining = axes.sorted()
    while let last = remaining.popLast() {
      var first = last
      while let previous = remaining.last, previous == first - 1 {
        first = previous
        remaining.removeLast()
      }
      let outer = currentShape[0..<first].reduce(1, *)
      let reduced = currentShape[first...last].reduce(1, *)
      let inner = currentShape[(last + 1)...].reduce(1, *)
      for d in first...last { currentShape[d] = 1 }
      let next = Tensor(uninitializedShape: currentShape)
      reduceMiddle(
        current.storage.pointer, outer: outer, reduced: reduced, inner: inner,
        into: next.storage.pointer)
      current = next
    }
    return current === self ? copy() : current
  }

  /// This tensor repeated along its size-1 (or missing leading) dimensions to `target`.
  /// Not recorded.
  func broadcastRaw(to target: [Int]) -> Tensor {
    if shape == target { return self }
    let result = Tensor(uninitializedShape: target)
    let zero = Tensor(scalar: 0)
    broadcastApply(
      storage.pointer, shapeA: shape, zero.storage.pointer, shapeB: [], result.storage.pointer,
      shape: target, vector: { a, _ in a }, scalar: { a, _ in a })
    return result
  }
}

/// `out[o, i] = sum over r of x[o, r, i]` for `x` of shape `[outer, reduced, inner]`.
/// Each output is summed by one task in increasing `r`.
func reduceMiddle(
  _ x: UnsafePointer<Float>, outer: Int, reduced: Int, inner: Int,
  into out: UnsafeMutablePointer<Float>
) {
  if reduced == 0 {
    out.update(repeating: 0, count: outer * inner)
    return
  }
  if inner == 1 {
    if outer == 1 {
      out[0] = Float(sumAll(x, count: reduced))
      return
    }
    parallelItems(outer, workPerItem: reduced) { o in
      out[o] = sumRange(x + o * reduced, count: reduced)
    }
    return
  }

  // Column sums: split each output row into blocks so both many rows and one wide row
  // spread over the pool.
  let block = 256
  let blocksPerRow = (inner + block - 1) / block
  parallelItems(outer * blocksPerRow, workPerItem: reduced * min(block, inner)) { task in
    let o = task / blocksPerRow
    let start = (task % blocksPerRow) * block
    let end = min(inner, start + block)
    let target = out + o * inner
    let source = x + o * reduced * inner
    (target + start).update(from: source + start, count: end - start)
    for r in 1..<reduced {
      let row = source + r * inner
      var j = start
      while j + 16 <= end {
        let s = UnsafeRawPointer(target + j).loadUnaligned(as: SIMD16<Float>.self)
        let v = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + j).storeBytes(of: s + v, as: SIMD16<Float>.self)
        j += 16
      }
      while j < end {
        target[j] += row[j]
        j += 1
      }
    }
  }
}
