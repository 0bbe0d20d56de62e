import Models
import Neurons
import Tensor

/// Sets or clears the pruning masks of a model's prunable layers, by weight name.
enum PruneMasks {
  /// Gives every convolution or linear layer whose `<module>.weight` has a mask in
  /// `masks` that mask; every other layer runs unmasked.
  static func apply(_ masks: [NamedParameter], to model: any ImageClassifier) {
    let byName = Dictionary(masks.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    for (name, module) in model.namedModules() {
      let key = name.isEmpty ? "weight" : name + ".weight"
      if let conv = module as? Conv2d {
        conv.pruneMask = byName[key]
      } else if let linear = module as? Linear {
        linear.pruneMask = byName[key]
      }
    }
  }

  /// Removes every mask: the full network again.
  static func clear(_ model: any ImageClassifier) { apply([], to: model) }
}
