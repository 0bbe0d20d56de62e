import Foundation

// Element-wise functions of one tensor: exp, log, sqrt, powers and the activations.

extension Tensor {
  /// `e^x` element-wise (vectorised; within about 2 ULP, see `simdExp`).
  public func exp() -> Tensor {
    let result = mapRaw(vector: { simdExp($0) }, scalar: { expScalar($0) })
    if Tensor.needsGradient(self) {
      // A detached alias, not `result`: capturing the result would make a cycle.
      let output = result.detached()
      result.recordGradient("exp", inputs: [self]) { g in
        [Tensor.binaryRaw(g, output, vector: { $0 * $1 }, scalar: { $0 * $1 })]
      }
    }
    return result
  }

  /// Natural logarithm element-wise (`-inf` at 0, NaN below, as PyTorch).
  public func log() -> Tensor {
    let result = mapScalarRaw { Foundation.log($0) }
    if Tensor.needsGradient(self) {
      result.recordGradient("log", inputs: [self]) { g in
        [Tensor.binaryRaw(g, self, vector: { $0 / $1 }, scalar: { $0 / $1 })]
      }
    }
    return result
  }

  /// Square root element-wise.
  public func sqrt() -> Tensor {
    let result = mapRaw(vector: { $0.squareRoot() }, scalar: { $0.squareRoot() })
    if Tensor.needsGradient(self) {
      let root = result.detached()
      result.recordGradient("sqrt", inputs: [self]) { g in
        [Tensor.binaryRaw(g, root, vector: { 0.5 * $0 / $1 }, scalar: { 0.5 * $0 / $1 })]
      }
    }
    return result
  }

  /// `x^p` element-wise for a constant exponent (`x * x` for 2 exactly).
  public func pow(_ p: Float) -> Tensor {
    let result: Tensor
    if p == 2 {
      result = mapRaw(vector: { $0 * $0 }, scalar: { $0 * $0 })
    } else {
      result = mapScalarRaw { Foundation.pow($0, p) }
    }
    if Tensor.needsGradient(self) {
      result.recordGradient("pow", inputs: [self]) { g in
        let derivative =
          p == 2
          ? self.mapRaw(vector: { 2 * $0 }, scalar: { 2 * $0 })
          : self.mapScalarRaw { p * Foundation.pow($0, p - 1) }
        return [Tensor.binaryRaw(g, derivative, vector: { $0 * $1 }, scalar: { $0 * $1 })]
      }
    }
    return result
  }

  /// `max(x, 0)` element-wise. The gradient at exactly 0 is 0, as in PyTorch.
  public func relu() -> Tensor {
    let zero = SIMD16<Float>()
    let result = mapRaw(
      vector: { $0.replacing(with: zero, where: $0 .< zero) }, scalar: { $0 < 0 ? 0 : $0 })
    if Tensor.needsGradient(self) {
      let output = result.detached()
      result.recordGradient("relu", inputs: [self]) { g in
        [
          Tensor.binaryRaw(
            g, output, vector: { $0.replacing(with: zero, where: $1 .<= zero) },
            scalar: { $1 > 0 ? $0 : 0 })
        ]
      }
    }
    return result
  }

  /// The exact GELU, `x * Phi(x) = x / 2 * (1 + erf(x / sqrt 2))` (PyTorch's
  /// `approximate='none'`), vectorised; within 1.5e-6 relative of the exact value for
  /// |x| <= 3 and 3e-6 for |x| <= 5 (see `simdErfc`).
  public func gelu() -> Tensor {
    let result = mapRaw(vector: { simdGelu($0) }, scalar: { simdGelu(SIMD16(repeating: $0))[0] })
    if Tensor.needsGradient(self) {
      result.recordGradient("gelu", inputs: [self]) { g in
        [
          Tensor.binaryRaw(
            g, self, vector: { $0 * simdGeluDerivative($1) },
            scalar: { $0 * simdGeluDerivative(SIMD16(repeating: $1))[0] })
        ]
      }
    }
    return result
  }

  /// The logistic function `1 / (1 + e^-x)` element-wise.
  public func sigmoid() -> Tensor {
    let result = mapRaw(
      vector: { 1 / (1 + simdExp(-$0)) }, scalar: { 1 / (1 + expScalar(-$0)) })
    if Tensor.needsGradient(self) {
      let output = result.detached()
      result.recordGradient("sigmoid", inputs: [self]) { g in
        [
          Tensor.binaryRaw(
            g, output, vector: { $0 * $1 * (1 - $1) }, scalar: { $0 * $1 * (1 - $1) })
        ]
      }
    }
    return result
  }

  /// `|x|` element-wise; the gradient at 0 is 0.
  public func abs() -> Tensor {
    let result = mapScalarRaw { Swift.abs($0) }
    if Tensor.needsGradient(self) {
      result.recordGradient("abs", inputs: [self]) { g in
        [
          Tensor.binaryRaw(
            g, self,
            vector: { g, x in
              var s = SIMD16<Float>()
              s.replace(with: 1, where: x .> 0)
              s.replace(with: -1, where: x .< 0)
              return g * s
            }, scalar: { g, x in x > 0 ? g : (x < 0 ? -g : 0) })
        ]
      }
    }
    return result
  }

  /// `f(x)` element-wise for a scalar function, in parallel chunks, not recorded.
  @inline(__always)
  func mapScalarRaw(_ f: (Float) -> Float) -> Tensor {
    let result = Tensor(uninitializedShape: shape)
    let x = storage.pointer
    let y = result.storage.pointer
    parallelChunks(count) { range in
      for i in range { y[i] = f(x[i]) }
    }
    return result
  }
}
