// Chunked loops shared by the element-wise, reduction and normalisation ops.
//
// Chunk boundaries depend only on the element count, never on the thread count, so
// every output is computed by the same code in the same order whatever the pool size.

/// Values per task for element-wise loops: 64 KiB per operand, large enough to hide
/// the cost of handing out a task and small enough to balance two to a few cores.
let elementwiseGrain = 16_384

/// Runs `body` on consecutive ranges of `0..<count` of at most `grain` elements, in
/// parallel when there is more than one range.
@inline(__always)
func parallelChunks(_ count: Int, grain: Int = elementwiseGrain, _ body: (Range<Int>) -> Void) {
  if count <= 0 { return }
  let chunks = (count + grain - 1) / grain
  if chunks == 1 {
    body(0..<count)
    return
  }
  ThreadPool.shared.parallelFor(chunks) { chunk in
    body(chunk * grain..<min(count, (chunk + 1) * grain))
  }
}

/// Runs `body(i)` for `i` in `0..<count`, grouping indices into tasks of about
/// `grain` elements of work when each index costs `workPerItem` elements.
@inline(__always)
func parallelItems(_ count: Int, workPerItem: Int, _ body: (Int) -> Void) {
  if count <= 0 { return }
  let perTask = max(1, elementwiseGrain / max(1, workPerItem))
  let tasks = (count + perTask - 1) / perTask
  if tasks == 1 {
    for i in 0..<count { body(i) }
    return
  }
  ThreadPool.shared.parallelFor(tasks) { task in
    for i in task * perTask..<min(count, (task + 1) * perTask) { body(i) }
  }
}

/// Sets `count` values to `value`.
func fillParallel(_ pointer: UnsafeMutablePointer<Float>, count: Int, value: Float) {
  parallelChunks(count) { range in
    (pointer + range.lowerBound).update(repeating: value, count: range.count)
  }
}

/// Copies `count` values.
func copyParallel(
  from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int
) {
  parallelChunks(count) { range in
    (destination + range.lowerBound).update(
      from: source + range.lowerBound, count: range.count)
  }
}

/// `y[i] = scalar(x[i])`, sixteen lanes at a time through `vector`.
@inline(__always)
func mapUnary(
  _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
  vector: (SIMD16<Float>) -> SIMD16<Float>, scalar: (Float) -> Float
) {
  parallelChunks(count) { range in
    var i = range.lowerBound
    while i + 16 <= range.upperBound {
      let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(y + i).storeBytes(of: vector(v), as: SIMD16<Float>.self)
      i += 16
    }
    while i < range.upperBound {
      y[i] = scalar(x[i])
      i += 1
    }
  }
}

/// `z[i] = scalar(x[i], y[i])`, sixteen lanes at a time through `vector`.
@inline(__always)
func mapBinary(
  _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>,
  count: Int, vector: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>,
  scalar: (Float, Float) -> Float
) {
  parallelChunks(count) { range in
    var i = range.lowerBound
    while i + 16 <= range.upperBound {
      let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
      let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(z + i).storeBytes(of: vector(a, b), as: SIMD16<Float>.self)
      i += 16
    }
    while i < range.upperBound {
      z[i] = scalar(x[i], y[i])
      i += 1
    }
  }
}

/// `w[i] = scalar(x[i], y[i], z[i])`, sixteen lanes at a time through `vector`.
@inline(__always)
func mapTernary(
  _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
  _ w: UnsafeMutablePointer<Float>, count: Int,
  vector: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>,
  scalar: (Float, Float, Float) -> Float
) {
  parallelChunks(count) { range in
    var i = range.lowerBound
    while i + 16 <= range.upperBound {
      let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
      let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
      let c = UnsafeRawPointer(z + i).loadUnaligned(as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(w + i).storeBytes(of: vector(a, b, c), as: SIMD16<Float>.self)
      i += 16
    }
    while i < range.upperBound {
      w[i] = scalar(x[i], y[i], z[i])
      i += 1
    }
  }
}

/// The sum of `count` values: sixteen-lane partial sums per fixed chunk, chunks added in
/// index order in Double, so the result is the same for any thread count.
func sumAll(_ x: UnsafePointer<Float>, count: Int) -> Double {
  let grain = elementwiseGrain
  let chunks = max(1, (count + grain - 1) / grain)
  var partials = [Double](repeating: 0, count: chunks)
  partials.withUnsafeMutableBufferPointer { partials in
    let out = partials.baseAddress!
    parallelChunks(count, grain: grain) { range in
      out[range.lowerBound / grain] = Double(sumRange(x + range.lowerBound, count: range.count))
    }
  }
  var total = 0.0
  for p in partials { total += p }
  return total
}

/// The sum of a short run of values with four sixteen-lane accumulators.
@inline(__always)
func sumRange(_ x: UnsafePointer<Float>, count: Int) -> Float {
  var a0 = SIMD16<Float>()
  var a1 = SIMD16<Float>()
  var a2 = SIMD16<Float>()
  var a3 = SIMD16<Float>()
  var i = 0
  let raw = UnsafeRawPointer(x)
  while i + 64 <= count {
    a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
    a1 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
    a2 += raw.loadUnaligned(fromByteOffset: (i + 32) * 4, as: SIMD16<Float>.self)
    a3 += raw.loadUnaligned(fromByteOffset: (i + 48) * 4, as: SIMD16<Float>.self)
    i += 64
  }
  while i + 16 <= count {
    a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
    i += 16
  }
  var s = laneSum((a0 + a1) + (a2 + a3))
  while i < count {
    s += x[i]
    i += 1
  }
  return s
}

/// `sum(x[i] * y[i])` over a short run with two sixteen-lane accumulators.
@inline(__always)
func dotRange(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
  var a0 = SIMD16<Float>()
  var a1 = SIMD16<Float>()
  var i = 0
  let (rx, ry) = (UnsafeRawPointer(x), UnsafeRawPointer(y))
  while i + 32 <= count {
    a0.addProduct(
      rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self),
      ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self))
    a1.addProduct(
      rx.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self),
      ry.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self))
    i += 32
  }
  while i + 16 <= count {
    a0.addProduct(
      rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self),
      ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self))
    i += 16
  }
  var s = laneSum(a0 + a1)
  while i < count {
    s += x[i] * y[i]
    i += 1
  }
  return s
}
