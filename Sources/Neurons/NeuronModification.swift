import Tensor

/// How a chosen neuron is changed (`modify_weights`, REFERENCE.md 4.0).
public enum ModificationMode: String, Codable, Sendable, CaseIterable {
  /// Set the channel to 0.
  case zero
  /// Replace the channel by noise: Gaussian `N(0, std^2)` in the channel studies,
  /// uniform `U[0, 1) * std` in the threshold study (the reference's `torch.rand`).
  case randomInit = "random_init"
  /// Add noise to the channel (Gaussian or uniform as for `randomInit`).
  case randomNoise = "random_noise"
  /// Copy the channel from an earlier checkpoint of the same run.
  case rewind

  /// Whether repeated runs differ (the reference repeats only these).
  public var isRandom: Bool { self == .randomInit || self == .randomNoise }
}

/// Changes chosen output channels of a model's weights in place.
public enum NeuronModification {
  /// Applies `mode` to output channel `neuron.index` of `weight`, and to nothing else.
  ///
  /// - Parameters:
  ///   - weight: the parameter `neuron.parameter`, modified in place.
  ///   - rewindSource: the same parameter from the rewind checkpoint (`.rewind` only).
  ///   - noiseStd: the scale of the Gaussian noise (`.randomInit`, `.randomNoise`).
  ///   - generator: the run's random stream; values are drawn in channel order.
  public static func apply(
    _ mode: ModificationMode, to neuron: Neuron, weight: Tensor, rewindSource: Tensor? = nil,
    noiseStd: Float = 0, generator: inout RandomGenerator
  ) throws {
    let channels = weight.shape.first ?? 0
    precondition(
      neuron.index >= 0 && neuron.index < channels,
      "NeuronModification: channel \(neuron.index) of \(neuron.parameter) \(weight.shape)")
    let width = weight.count / channels
    let start = neuron.index * width
    var source: [Float] = []
    if mode == .rewind {
      guard let rewindSource else {
        throw NeuronsError.missingParameter(name: neuron.parameter, source: "the rewind state")
      }
      guard rewindSource.shape == weight.shape else {
        throw NeuronsError.shapeMismatch(
          name: neuron.parameter, expected: weight.shape, found: rewindSource.shape)
      }
      source = rewindSource.withUnsafeBufferPointer { Array($0[start..<(start + width)]) }
    }
    weight.withUnsafeMutableBufferPointer { values in
      for i in 0..<width {
        switch mode {
        case .zero: values[start + i] = 0
        case .rewind: values[start + i] = source[i]
        case .randomInit: values[start + i] = generator.normal() * noiseStd
        case .randomNoise: values[start + i] += generator.normal() * noiseStd
        }
      }
    }
  }
}
