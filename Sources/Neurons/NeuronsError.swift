/// Why a selection or modification could not be carried out.
public enum NeuronsError: Error, Equatable, CustomStringConvertible {
  /// No parameter passed the candidate rule (for example a model with no convolutions).
  case noCandidates(rule: String)
  /// Fewer neurons with a non-zero score exist than were asked for.
  case notEnoughNeurons(requested: Int, available: Int)
  /// A named parameter is missing from a state (for example the rewind checkpoint).
  case missingParameter(name: String, source: String)
  /// Two tensors that must have one shape do not.
  case shapeMismatch(name: String, expected: [Int], found: [Int])
  /// A percentage or probability outside its range.
  case invalidFraction(name: String, value: Double)

  public var description: String {
    switch self {
    case .noCandidates(let rule):
      return "no parameter of the model is a candidate neuron under the \(rule) rule"
    case .notEnoughNeurons(let requested, let available):
      return "asked for \(requested) neurons but only \(available) have a non-zero score"
    case .missingParameter(let name, let source):
      return "\(source) has no parameter named '\(name)'"
    case .shapeMismatch(let name, let expected, let found):
      return "parameter '\(name)' has shape \(found), expected \(expected)"
    case .invalidFraction(let name, let value):
      return "\(name) must be between 0 and 1, got \(value)"
    }
  }
}
