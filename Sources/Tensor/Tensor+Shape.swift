// Reshaping (a view of the same storage), permuting, slicing, selecting, gathering and
// concatenating (contiguous copies), with their gradients.

extension Tensor {
  /// The same values with another shape of equal element count; one entry may be -1
  /// and is then inferred. Shares storage with `self` (writes are seen by both).
  public func reshaped(_ newShape: [Int]) -> Tensor {
    let target = resolvedShape(newShape)
    let result = reshapedRaw(target)
    if Tensor.needsGradient(self) {
      let inputShape = shape
      result.recordGradient("reshape", inputs: [self]) { g in [g.reshapedRaw(inputShape)] }
    }
    return result
  }

  /// Merges dimensions `startAxis...` into one: `[N, C, H, W]` becomes `[N, C*H*W]`
  /// for `startAxis` 1.
  public func flattened(from startAxis: Int = 1) -> Tensor {
    let axis = normalizedAxis(startAxis)
    return reshaped(Array(shape[..<axis]) + [shape[axis...].reduce(1, *)])
  }

  /// `newShape` with a -1 entry replaced by the size that keeps the element count.
  func resolvedShape(_ newShape: [Int]) -> [Int] {
    var target = newShape
    if let unknown = target.firstIndex(of: -1) {
      let known = target.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
      precondition(
        known > 0 && count % known == 0, "reshape: cannot reshape \(shape) to \(newShape)")
      target[unknown] = count / known
    }
    precondition(
      target.reduce(1, *) == count && target.allSatisfy { $0 >= 0 },
      "reshape: cannot reshape \(shape) to \(newShape)")
    return target
  }

  /// A view with another shape, not recorded.
  func reshapedRaw(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, storage: storage)
  }

  /// The dimensions reordered: result dimension `i` is input dimension `order[i]`
  /// (as `torch.permute`). Returns a contiguous copy.
  public func permuted(_ order: [Int]) -> Tensor {
    let axes = order.map { normalizedAxis($0) }
    precondition(
      axes.count == rank && Set(axes).count == rank,
      "permute: order \(order) is not a permutation of the axes of \(shape)")
    let result = permutedRaw(axes)
    if Tensor.needsGradient(self) {
      var inverse = [Int](repeating: 0, count: rank)
      for (i, a) in axes.enumerated() { inverse[a] = i }
      result.recordGradient("permute", inputs: [self]) { g in [g.permutedRaw(inverse)] }
    }
    return result
  }

  /// Swaps two dimensions (contiguous copy), as `torch.transpose(a, b)`.
  public func transposed(_ a: Int, _ b: Int) -> Tensor {
    var order = Array(0..<rank)
    order.swapAt(normalizedAxis(a), normalizedAxis(b))
    return permuted(order)
  }

  /// Permuted copy, not recorded.
  func permutedRaw(_ axes: [Int]) -> Tensor {
    if axes == Array(0..<rank) { return copy() }
    let outShape = axes.map { shape[$0] }
    let result = Tensor(uninitializedShape: outShape)
    if count == 0 { return result }
    var inputStrides = [Int](repeating: 1, count: rank)
    for d in stride(from: rank - 2, through: 0, by: -1) {
      inputStrides[d] = inputStrides[d + 1] * shape[d + 1]
    }
    let strides = axes.map { inputStrides[$0] }
    let inner = outShape[rank - 1]
    let innerStride = strides[rank - 1]
    let rows = count / inner
    let x = storage.pointer
    let y = result.storage.pointer
    let rowsPerTask = max(1, elementwiseGrain / inner)
    let tasks = (rows + rowsPerTask - 1) / rowsPerTask
    let outer = rank - 1
    let runTask = { (task: Int) in
      // Multi-index of the task's first row, then an odometer over the outer
      // dimensions that keeps the source offset up to date without divisions.
      let first = task * rowsPerTask
      let last = min(rows, first + rowsPerTask)
      var index = [Int](repeating: 0, count: max(outer, 1))
      var offset = 0
      var rest = first
      var d = outer - 1
      while d >= 0 {
        index[d] = rest % outShape[d]
        offset += index[d] * strides[d]
        rest /= outShape[d]
        d -= 1
      }
      for row in first..<last {
        let source = x + offset
        let target = y + row * inner
        if innerStride == 1 {
          target.update(from: source, count: inner)
        } else {
          for j in 0..<inner { target[j] = source[j * innerStride] }
        }
        var e = outer - 1
        while e >= 0 {
          index[e] += 1
          offset += strides[e]
          if index[e] < outShape[e] { break }
          offset -= index[e] * strides[e]
          index[e] = 0
          e -= 1
        }
      }
    }
    if tasks == 1 {
      runTask(0)
    } else {
      ThreadPool.shared.parallelFor(tasks, runTask)
    }
    return result
  }

  /// The entries `range` along `axis` (as `x.narrow(axis, start, length)`), copied.
  public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
    let a = normalizedAxis(axis)
    precondition(
      range.lowerBound >= 0 && range.upperBound <= shape[a],
      "slice: range \(range) out of bounds for axis \(axis) of \(shape)")
    let outer = shape[..<a].reduce(1, *)
    let inner = shape[(a + 1)...].reduce(1, *)
    var outShape = shape
    outShape[a] = range.count
    let result = Tensor(uninitializedShape: outShape)
    let (x, y) = (storage.pointer, result.storage.pointer)
    let (length, full, start) = (range.count * inner, shape[a] * inner, range.lowerBound * inner)
    parallelItems(outer, workPerItem: length) { o in
      (y + o * length).update(from: x + o * full + start, count: length)
    }
    if Tensor.needsGradient(self) {
      let inputShape = shape
      result.recordGradient("slice", inputs: [self]) { g in
        let grad = Tensor.zeros(inputShape)
        let (gx, gy) = (grad.storage.pointer, g.storage.pointer)
        parallelItems(outer, workPerItem: length) { o in
          (gx + o * full + start).update(from: gy + o * length, count: length)
        }
        return [grad]
      }
    }
    return result
  }

  /// Entry `index` along `axis`, with that axis removed: `x.select(axis: 1, index: 0)`
  /// on `[B, N, D]` is the class token `x[:, 0]` of shape `[B, D]`.
  public func select(axis: Int, index: Int) -> Tensor {
    let a = normalizedAxis(axis)
    var outShape = shape
    outShape.remove(at: a)
    return slice(axis: a, index..<(index + 1)).reshaped(outShape)
  }

  /// The rows `indices` of the first axis, in that order (repeats allowed):
  /// `[N, ...]` to `[indices.count, ...]`, as `x[indices]`.
  public func gatherRows(_ indices: [Int]) -> Tensor {
    precondition(rank >= 1, "gatherRows: needs at least one axis, shape is \(shape)")
    let rows = shape[0]
    let rowSize = shape[1...].reduce(1, *)
    for i in indices {
      precondition(i >= 0 && i < rows, "gatherRows: index \(i) out of range for \(shape)")
    }
    let result = Tensor(uninitializedShape: [indices.count] + shape[1...])
    let (x, y) = (storage.pointer, result.storage.pointer)
    indices.withUnsafeBufferPointer { indices in
      parallelItems(indices.count, workPerItem: rowSize) { i in
        (y + i * rowSize).update(from: x + indices[i] * rowSize, count: rowSize)
      }
    }
    if Tensor.needsGradient(self) {
      let inputShape = shape
      result.recordGradient("gatherRows", inputs: [self]) { g in
        // Scatter-add in index order, so repeated rows sum the same way every time.
        let grad = Tensor.zeros(inputShape)
        let (gx, gy) = (grad.storage.pointer, g.storage.pointer)
        for (i, row) in indices.enumerated() {
          let target = gx + row * rowSize
          let source = gy + i * rowSize
          for j in 0..<rowSize { target[j] += source[j] }
        }
        return [grad]
      }
    }
    return result
  }

  /// The tensors joined along `axis`; all other dimensions must agree
  /// (as `torch.cat`).
  public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat: no tensors")
    let first = tensors[0]
    let a = first.normalizedAxis(axis)
    for t in tensors {
      var s = t.shape
      var f = first.shape
      precondition(s.count == f.count, "concat: shapes \(first.shape) and \(t.shape)")
      s[a] = 0
      f[a] = 0
      precondition(s == f, "concat: shapes \(first.shape) and \(t.shape) differ off axis \(a)")
    }
    let outer = first.shape[..<a].reduce(1, *)
    let inner = first.shape[(a + 1)...].reduce(1, *)
    var outShape = first.shape
    outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
    let result = Tensor(uninitializedShape: outShape)
    let full = outShape[a] * inner
    var offsets: [Int] = []
    var offset = 0
    for t in tensors {
      offsets.append(offset)
      let length = t.shape[a] * inner
      let (x, y, start) = (t.storage.pointer, result.storage.pointer, offset)
      parallelItems(outer, workPerItem: length) { o in
        (y + o * full + start).update(from: x + o * length, count: length)
      }
      offset += length
    }
    if needsGradient(tensors) {
      let sizes = tensors.map { $0.shape[a] }
      result.recordGradient("concat", inputs: tensors) { g in
        var start = 0
        return sizes.map { size in
          defer { start += size }
          return g.sliceRaw(axis: a, start..<(start + size))
        }
      }
    }
    return result
  }

  /// `slice` without recording.
  func sliceRaw(axis: Int, _ range: Range<Int>) -> Tensor {
    Tensor.withoutGradient { slice(axis: axis, range) }
  }
}

extension Tensor {
  /// The tensor repeated along its size-1 (or missing leading) dimensions to `shape`,
  /// as `x.expand(shape)` (but copied): a class token `[1, 1, D]` becomes `[B, 1, D]`.
  /// The gradient sums over the repeated dimensions.
  public func expanded(to target: [Int]) -> Tensor {
    precondition(
      broadcastShape(shape, target) == target, "expand: cannot expand \(shape) to \(target)")
    let result = broadcastRaw(to: target)
    if result === self { return self }
    if Tensor.needsGradient(self) {
      let inputShape = shape
      result.recordGradient("expand", inputs: [self]) { g in [g.sumToShape(inputShape)] }
    }
    return result
  }

  /// A view with a new dimension of size 1 at `axis` (`0...rank`; negative counts from
  /// the end of the result), as `x.unsqueeze(axis)`.
  public func unsqueezed(axis: Int) -> Tensor {
    let a = axis < 0 ? axis + rank + 1 : axis
    precondition(a >= 0 && a <= rank, "unsqueeze: axis \(axis) for shape \(shape)")
    var newShape = shape
    newShape.insert(1, at: a)
    return reshaped(newShape)
  }

  /// A view without dimension `axis`, which must have size 1, as `x.squeeze(axis)`.
  public func squeezed(axis: Int) -> Tensor {
    let a = normalizedAxis(axis)
    precondition(shape[a] == 1, "squeeze: axis \(axis) of \(shape) does not have size 1")
    var newShape = shape
    newShape.remove(at: a)
    return reshaped(newShape)
  }

  /// The tensors (all of one shape) stacked along a new dimension `axis`, as
  /// `torch.stack`.
  public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "stack: no tensors")
    for t in tensors {
      precondition(
        t.shape == tensors[0].shape, "stack: shapes \(tensors[0].shape) and \(t.shape)")
    }
    return concat(tensors.map { $0.unsqueezed(axis: axis) }, axis: axis)
  }

  /// The index of the largest value in each row of the last dimension (the first one
  /// on ties, as `torch.argmax`); `[..., C]` gives `count / C` indices. Not recorded.
  public func argmaxLastAxis() -> [Int] {
    let c = shape.last ?? 1
    precondition(c > 0, "argmax: empty last dimension in \(shape)")
    let rows = count / c
    let x = storage.pointer
    return (0..<rows).map { r in
      var best = 0
      for j in 1..<c where x[r * c + j] > x[r * c + best] { best = j }
      return best
    }
  }
}
