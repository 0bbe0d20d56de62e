// NumPy/PyTorch broadcasting for the binary element-wise ops: shapes are aligned at
// their last dimension, and a dimension of size 1 (or a missing one) stretches to the
// other operand's size.

/// The broadcast shape of two shapes, or a trap naming both when they are incompatible.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
  let rank = max(a.count, b.count)
  var result = [Int](repeating: 1, count: rank)
  for i in 0..<rank {
    let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
    let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
    precondition(
      da == db || da == 1 || db == 1, "broadcast: shapes \(a) and \(b) are incompatible")
    result[i] = da == 1 ? db : da
  }
  return result
}

/// `out = op(a, b)` with `a` and `b` broadcast to `shape`. The loop runs over the
/// longest run of trailing dimensions in which each operand is either contiguous or a
/// single repeated value, so common cases (equal shapes, a bias over the last
/// dimension, a per-channel value over `[N, C, H, W]`) are vector loops.
@inline(__always)
func broadcastApply(
  _ a: UnsafePointer<Float>, shapeA: [Int], _ b: UnsafePointer<Float>, shapeB: [Int],
  _ out: UnsafeMutablePointer<Float>, shape: [Int],
  vector: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>, scalar: (Float, Float) -> Float
) {
  let rank = shape.count
  let count = shape.reduce(1, *)
  if count == 0 { return }
  let paddedA = [Int](repeating: 1, count: rank - shapeA.count) + shapeA
  let paddedB = [Int](repeating: 1, count: rank - shapeB.count) + shapeB

  // Strides of each operand in the output's index space (0 on broadcast dimensions).
  var stridesA = [Int](repeating: 0, count: rank)
  var stridesB = [Int](repeating: 0, count: rank)
  var sa = 1
  var sb = 1
  for d in stride(from: rank - 1, through: 0, by: -1) {
    stridesA[d] = paddedA[d] == 1 ? 0 : sa
    stridesB[d] = paddedB[d] == 1 ? 0 : sb
    sa *= paddedA[d]
    sb *= paddedB[d]
  }

  // The trailing run: dimensions (ignoring size 1) where each operand keeps one mode,
  // full or repeated, so the run is a single strided-by-0-or-1 loop.
  var inner = 1
  var innerFullA: Bool? = nil
  var innerFullB: Bool? = nil
  var split = rank
  for d in stride(from: rank - 1, through: 0, by: -1) {
    if shape[d] == 1 {
      split = d
      continue
    }
    let fullA = paddedA[d] != 1
    let fullB = paddedB[d] != 1
    if innerFullA == nil {
      innerFullA = fullA
      innerFullB = fullB
    } else if innerFullA != fullA || innerFullB != fullB {
      break
    }
    inner *= shape[d]
    split = d
  }
  let stepA = innerFullA ?? true ? 1 : 0
  let stepB = innerFullB ?? true ? 1 : 0
  let outerShape = Array(shape[0..<split])
  let outerStridesA = Array(stridesA[0..<split])
  let outerStridesB = Array(stridesB[0..<split])
  let rows = count / inner

  parallelItems(rows, workPerItem: inner) { row in
    // Offsets of this row in each operand, from the row's multi-index.
    var rest = row
    var offsetA = 0
    var offsetB = 0
    var d = outerShape.count - 1
    while d >= 0 {
      let index = rest % outerShape[d]
      rest /= outerShape[d]
      offsetA += index * outerStridesA[d]
      offsetB += index * outerStridesB[d]
      d -= 1
    }
    binaryRun(
      a + offsetA, stepA, b + offsetB, stepB, out + row * inner, count: inner,
      vector: vector, scalar: scalar)
  }
}

/// `out[i] = op(a[i * stepA], b[i * stepB])` for steps 0 or 1.
@inline(__always)
func binaryRun(
  _ a: UnsafePointer<Float>, _ stepA: Int, _ b: UnsafePointer<Float>, _ stepB: Int,
  _ out: UnsafeMutablePointer<Float>, count: Int,
  vector: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>, scalar: (Float, Float) -> Float
) {
  var i = 0
  let splatA = SIMD16<Float>(repeating: a[0])
  let splatB = SIMD16<Float>(repeating: b[0])
  while i + 16 <= count {
    let va = stepA == 1 ? UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self) : splatA
    let vb = stepB == 1 ? UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self) : splatB
    UnsafeMutableRawPointer(out + i).storeBytes(of: vector(va, vb), as: SIMD16<Float>.self)
    i += 16
  }
  while i < count {
    out[i] = scalar(a[i * stepA], b[i * stepB])
    i += 1
  }
}

extension Tensor {
  /// The sum of this tensor (a gradient of a broadcast result) over the dimensions
  /// that broadcasting stretched, giving `shape`. Not recorded.
  func sumToShape(_ target: [Int]) -> Tensor {
    if shape == target { return self }
    let lead = rank - target.count
    var axes: [Int] = Array(0..<lead)
    for (i, size) in target.enumerated() where size == 1 && shape[lead + i] != 1 {
      axes.append(lead + i)
    }
    return sumRaw(axes: axes).reshapedRaw(target)
  }
}
