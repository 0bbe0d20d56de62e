import Tensor

/// Finite-difference checks of analytic gradients, for ops on Float32 tensors.
///
/// The scalar probed is `L = sum(f(inputs) * w)` for fixed pseudo-random weights `w` in
/// [-1, 1], so every output element contributes with its own sign and size. `L` is
/// accumulated in Double from the Float outputs, and each input value is moved by
/// `+-step`: the central difference `(L(x+h) - L(x-h)) / 2h` then has truncation error
/// O(h^2 f''') and a rounding error of about `eps_f32 * sum|out| / h`, so with inputs and
/// outputs of moderate magnitude (|x| up to a few units), `h` of 1e-2 keeps both below
/// about 1e-3. Inputs must keep clear of kinks (relu at 0, max-pool ties) by more than
/// `step`.
public struct GradientCheck {
  /// Each input is moved by this amount either side.
  public var step: Float
  /// Allowed difference: `|analytic - numeric| <= absolute + relative * |numeric|`.
  public var tolerance: Tolerance

  public init(step: Float = 1e-2, tolerance: Tolerance = Tolerance(absolute: 2e-3, relative: 1e-2))
  {
    self.step = step
    self.tolerance = tolerance
  }

  /// A description of every gradient entry that disagrees with its finite difference
  /// (empty when the analytic gradients of all `inputs` are right). Inputs with
  /// `requiresGrad == false` are not probed.
  public func mismatches(_ inputs: [Tensor], _ f: ([Tensor]) -> Tensor) -> [String] {
    // Analytic gradients of L = sum(f(x) * w).
    for x in inputs { x.zeroGrad() }
    let output = f(inputs)
    let weights = GradientCheck.weights(count: output.count)
    let w = Tensor(weights.map { Float($0) }, shape: output.shape)
    (output * w).sum().backward()

    var problems: [String] = []
    for (inputIndex, x) in inputs.enumerated() where x.requiresGrad {
      guard let grad = x.grad else {
        problems.append("input \(inputIndex): no gradient")
        continue
      }
      let analytic = grad.toArray()
      for i in 0..<x.count {
        let original = x.withUnsafeBufferPointer { $0[i] }
        x.withUnsafeMutableBufferPointer { $0[i] = original + step }
        let plus = GradientCheck.loss(Tensor.withoutGradient { f(inputs) }, weights)
        x.withUnsafeMutableBufferPointer { $0[i] = original - step }
        let minus = GradientCheck.loss(Tensor.withoutGradient { f(inputs) }, weights)
        x.withUnsafeMutableBufferPointer { $0[i] = original }
        let numeric = Float((plus - minus) / (2 * Double(step)))
        if !tolerance.accepts(analytic[i], reference: numeric) {
          problems.append(
            "input \(inputIndex) \(x.shape) [\(i)]: analytic \(analytic[i]), numeric \(numeric)")
        }
      }
    }
    return problems
  }

  /// `sum(output * weights)` in Double.
  static func loss(_ output: Tensor, _ weights: [Double]) -> Double {
    let values = output.toArray()
    precondition(values.count == weights.count, "gradient check: output size changed")
    var total = 0.0
    for i in values.indices { total += Double(values[i]) * weights[i] }
    return total
  }

  /// Fixed weights in [-1, 1] from a small linear congruential sequence.
  static func weights(count: Int) -> [Double] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
  }
}

/// Values for test inputs: a deterministic sequence in `[-scale, scale]`.
public func testValues(_ count: Int, seed: UInt64 = 1, scale: Float = 1) -> [Float] {
  var state = seed &* 0x2545_F491_4F6C_DD1D &+ 0x9E37_79B9
  return (0..<count).map { _ in
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
  }
}

/// A tensor of `testValues` that requires a gradient.
public func testTensor(_ shape: [Int], seed: UInt64 = 1, scale: Float = 1) -> Tensor {
  Tensor(testValues(shape.reduce(1, *), seed: seed, scale: scale), shape: shape, requiresGrad: true)
}
