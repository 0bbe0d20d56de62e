// Element-wise addition, subtraction, multiplication and division with broadcasting,
// and their scalar forms. Gradients of broadcast operands are summed back over the
// stretched dimensions.

extension Tensor {
  /// `op(a, b)` broadcast, not recorded.
  @inline(__always)
  static func binaryRaw(
    _ a: Tensor, _ b: Tensor,
    vector: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>, scalar: (Float, Float) -> Float
  ) -> Tensor {
    if a.shape == b.shape {
      let result = Tensor(uninitializedShape: a.shape)
      mapBinary(
        a.storage.pointer, b.storage.pointer, result.storage.pointer, count: a.count,
        vector: vector, scalar: scalar)
      return result
    }
    let shape = broadcastShape(a.shape, b.shape)
    let result = Tensor(uninitializedShape: shape)
    broadcastApply(
      a.storage.pointer, shapeA: a.shape, b.storage.pointer, shapeB: b.shape,
      result.storage.pointer, shape: shape, vector: vector, scalar: scalar)
    return result
  }

  /// `op(x)` element-wise into a new tensor, not recorded.
  @inline(__always)
  func mapRaw(vector: (SIMD16<Float>) -> SIMD16<Float>, scalar: (Float) -> Float) -> Tensor {
    let result = Tensor(uninitializedShape: shape)
    mapUnary(storage.pointer, result.storage.pointer, count: count, vector: vector, scalar: scalar)
    return result
  }

  /// `a + b` with broadcasting; the result has the broadcast shape.
  public static func + (a: Tensor, b: Tensor) -> Tensor {
    let result = binaryRaw(a, b, vector: { $0 + $1 }, scalar: { $0 + $1 })
    if needsGradient(a, b) {
      let (shapeA, shapeB) = (a.shape, b.shape)
      result.recordGradient("add", inputs: [a, b]) { g in
        [g.sumToShape(shapeA), g.sumToShape(shapeB)]
      }
    }
    return result
  }

  /// `a - b` with broadcasting.
  public static func - (a: Tensor, b: Tensor) -> Tensor {
    let result = binaryRaw(a, b, vector: { $0 - $1 }, scalar: { $0 - $1 })
    if needsGradient(a, b) {
      let (shapeA, shapeB) = (a.shape, b.shape)
      result.recordGradient("sub", inputs: [a, b]) { g in
        [
          g.sumToShape(shapeA),
          b.requiresGrad ? g.mapRaw(vector: { -$0 }, scalar: { -$0 }).sumToShape(shapeB) : nil,
        ]
      }
    }
    return result
  }

  /// `a * b` element-wise with broadcasting.
  public static func * (a: Tensor, b: Tensor) -> Tensor {
    let result = binaryRaw(a, b, vector: { $0 * $1 }, scalar: { $0 * $1 })
    if needsGradient(a, b) {
      result.recordGradient("mul", inputs: [a, b]) { g in
        [
          a.requiresGrad
            ? binaryRaw(g, b, vector: { $0 * $1 }, scalar: { $0 * $1 }).sumToShape(a.shape) : nil,
          b.requiresGrad
            ? binaryRaw(g, a, vector: { $0 * $1 }, scalar: { $0 * $1 }).sumToShape(b.shape) : nil,
        ]
      }
    }
    return result
  }

  /// `a / b` element-wise with broadcasting.
  public static func / (a: Tensor, b: Tensor) -> Tensor {
    let result = binaryRaw(a, b, vector: { $0 / $1 }, scalar: { $0 / $1 })
    if needsGradient(a, b) {
      result.recordGradient("div", inputs: [a, b]) { g in
        // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2 = -(a/b)/b.
        let gradA = binaryRaw(g, b, vector: { $0 / $1 }, scalar: { $0 / $1 })
        var gradB: Tensor? = nil
        if b.requiresGrad {
          let quotient = binaryRaw(a, b, vector: { $0 / $1 }, scalar: { $0 / $1 })
          gradB = binaryRaw(gradA, quotient, vector: { -$0 * $1 }, scalar: { -$0 * $1 })
            .sumToShape(b.shape)
        }
        return [a.requiresGrad ? gradA.sumToShape(a.shape) : nil, gradB]
      }
    }
    return result
  }

  /// `a + s` for every value.
  public static func + (a: Tensor, s: Float) -> Tensor {
    let result = a.mapRaw(vector: { $0 + s }, scalar: { $0 + s })
    if needsGradient(a) {
      result.recordGradient("add scalar", inputs: [a]) { g in [g] }
    }
    return result
  }

  /// `s + a` for every value.
  public static func + (s: Float, a: Tensor) -> Tensor { a + s }

  /// `a - s` for every value.
  public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }

  /// `s - a` for every value.
  public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }

  /// `a * s` for every value.
  public static func * (a: Tensor, s: Float) -> Tensor {
    let result = a.mapRaw(vector: { $0 * s }, scalar: { $0 * s })
    if needsGradient(a) {
      result.recordGradient("mul scalar", inputs: [a]) { g in
        [g.mapRaw(vector: { $0 * s }, scalar: { $0 * s })]
      }
    }
    return result
  }

  /// `s * a` for every value.
  public static func * (s: Float, a: Tensor) -> Tensor { a * s }

  /// `a / s` for every value.
  public static func / (a: Tensor, s: Float) -> Tensor {
    let result = a.mapRaw(vector: { $0 / s }, scalar: { $0 / s })
    if needsGradient(a) {
      result.recordGradient("div scalar", inputs: [a]) { g in
        [g.mapRaw(vector: { $0 / s }, scalar: { $0 / s })]
      }
    }
    return result
  }

  /// `s / a` for every value.
  public static func / (s: Float, a: Tensor) -> Tensor {
    Tensor(scalar: s) / a
  }

  /// `-a`.
  public static prefix func - (a: Tensor) -> Tensor { a * -1 }

  /// `a * mask` for a constant mask (no gradient to the mask), broadcast to `a`'s
  /// shape; used for pruning masks and fixed channel masks.
  public func masked(by mask: Tensor) -> Tensor {
    self * mask.detached()
  }
}
