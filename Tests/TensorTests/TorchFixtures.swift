import Foundation
import Tensor
import TestSupport
import Testing

/// The PyTorch reference values from scripts/make_tensor_fixtures.py.
enum TorchFixtures {
  static let arrays: [String: (shape: [Int], values: [Float])] = {
    let url = Fixtures.url("tensor/fixtures.json")
    guard let data = try? Data(contentsOf: url),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    var result: [String: (shape: [Int], values: [Float])] = [:]
    for (name, entry) in object {
      guard let entry = entry as? [String: Any], let shape = entry["shape"] as? [Int],
        let values = entry["values"] as? [Double]
      else { continue }
      result[name] = (shape, values.map { Float($0) })
    }
    return result
  }()

  /// The named array as a tensor (requiring a gradient when asked).
  static func tensor(_ name: String, requiresGrad: Bool = false) -> Tensor {
    guard let entry = arrays[name] else {
      Issue.record("fixture \(name) missing; run scripts/make_tensor_fixtures.py")
      return Tensor.zeros([0])
    }
    return Tensor(entry.values, shape: entry.shape, requiresGrad: requiresGrad)
  }

  /// Records an issue unless `actual` matches the named fixture in shape and values.
  static func expectClose(
    _ actual: Tensor?, _ name: String, _ tolerance: Tolerance,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    guard let actual else {
      Issue.record("\(name): no tensor", sourceLocation: sourceLocation)
      return
    }
    let reference = tensor(name)
    #expect(actual.shape == reference.shape, "\(name) shape", sourceLocation: sourceLocation)
    if let (i, a, b) = tolerance.firstMismatch(actual.toArray(), reference.toArray()) {
      Issue.record("\(name)[\(i)]: got \(a), PyTorch \(b)", sourceLocation: sourceLocation)
    }
  }
}
