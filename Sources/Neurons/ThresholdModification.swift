import Tensor

/// Which parameters the threshold study modifies once the threshold is known.
public enum ThresholdScope: String, Codable, Sendable, CaseIterable {
  /// Every parameter, batch-norm scales and shifts and the head included, as the
  /// reference (`modify_weights_by_threshold` loops over all named parameters although
  /// the threshold comes from the convolutions alone; REFERENCE.md 7.12).
  case reference
  /// Only the prunable weights the threshold was computed from.
  case prunable
}

/// The threshold study's modification (`modify_weights_by_threshold`, REFERENCE.md 4.5).
public enum ThresholdModification {
  /// Modifies, in every tensor of `parameters`, the values on the selected side of
  /// `threshold` (`|w| <= threshold` with `smallest`, `|w| >= threshold` otherwise).
  ///
  /// - Parameters:
  ///   - dropoutP: the share of selected values left untouched (each selected value
  ///     is spared with this probability: the reference's `Bernoulli(1 - p)` keep).
  ///   - mode: `.zero`, `.rewind` (from `rewindState`, by name), or the random modes,
  ///     which here use UNIFORM noise `U[0, 1) * noiseStd` as the reference's
  ///     `torch.rand` (the channel studies use Gaussian noise).
  /// - Returns: how many values were modified.
  @discardableResult
  public static func apply(
    to parameters: [NamedParameter], threshold: Float, smallest: Bool, dropoutP: Double,
    mode: ModificationMode, rewindState: [String: Tensor] = [:], noiseStd: Float = 0,
    generator: inout RandomGenerator
  ) throws -> Int {
    guard dropoutP >= 0 && dropoutP <= 1 else {
      throw NeuronsError.invalidFraction(name: "--dropout-p", value: dropoutP)
    }
    var modified = 0
    for (name, tensor) in parameters {
      var old: [Float] = []
      if mode == .rewind {
        guard let source = rewindState[name] else {
          throw NeuronsError.missingParameter(name: name, source: "the rewind state")
        }
        guard source.shape == tensor.shape else {
          throw NeuronsError.shapeMismatch(name: name, expected: tensor.shape, found: source.shape)
        }
        old = source.toArray()
      }
      tensor.withUnsafeMutableBufferPointer { values in
        for i in values.indices {
          let magnitude = Swift.abs(values[i])
          let selected = smallest ? magnitude <= threshold : magnitude >= threshold
          guard selected else { continue }
          if dropoutP > 0 && !generator.bernoulli(1 - dropoutP) { continue }
          switch mode {
          case .zero: values[i] = 0
          case .rewind: values[i] = old[i]
          case .randomInit: values[i] = generator.uniform() * noiseStd
          case .randomNoise: values[i] += generator.uniform() * noiseStd
          }
          modified += 1
        }
      }
    }
    return modified
  }
}
