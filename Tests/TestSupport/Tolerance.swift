/// Float comparison with a stated tolerance: `|a - b| <= atol + rtol * |b|`, where `b`
/// is the reference value.
public struct Tolerance: Sendable {
  public var absolute: Float
  public var relative: Float

  public init(absolute: Float, relative: Float) {
    self.absolute = absolute
    self.relative = relative
  }

  /// Whether `value` is close enough to `reference`.
  public func accepts(_ value: Float, reference: Float) -> Bool {
    if value.isNaN || reference.isNaN { return value.isNaN && reference.isNaN }
    return abs(value - reference) <= absolute + relative * abs(reference)
  }

  /// The first index where `values` and `reference` differ by more than allowed, with
  /// both values, or nil when all agree. Different lengths report index -1.
  public func firstMismatch(_ values: [Float], _ reference: [Float]) -> (Int, Float, Float)? {
    if values.count != reference.count { return (-1, Float(values.count), Float(reference.count)) }
    for i in values.indices where !accepts(values[i], reference: reference[i]) {
      return (i, values[i], reference[i])
    }
    return nil
  }
}

/// The largest absolute difference between two equally long arrays.
public func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count, "maxAbsoluteDifference: \(a.count) vs \(b.count) values")
  var worst: Float = 0
  for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
  return worst
}
