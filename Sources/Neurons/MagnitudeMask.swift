import Tensor

/// Global unstructured magnitude pruning masks (`Mask.magnitude_pruning`,
/// REFERENCE.md 4.0), as prune-finetune recomputes them every epoch.
public struct MagnitudeMask {
  /// One 0/1 mask per prunable weight, same shape, keyed by parameter name, in order.
  public var masks: [NamedParameter]
  /// The threshold: weights with `|w| >= threshold` are kept, so weights equal to it
  /// survive, as the reference.
  public var threshold: Float

  /// Masks that remove about `fraction` of the weights in `prunable`, the smallest in
  /// magnitude over all of them together.
  public init(prunable: [NamedParameter], fraction: Double) throws {
    threshold = try MagnitudeThreshold.threshold(
      of: prunable.map(\.tensor), fraction: fraction, smallest: true)
    let cut = threshold
    masks = prunable.map { name, weight in
      let mask = Tensor(uninitializedShape: weight.shape)
      weight.withUnsafeBufferPointer { w in
        mask.withUnsafeMutableBufferPointer { m in
          for i in w.indices { m[i] = Swift.abs(w[i]) >= cut ? 1 : 0 }
        }
      }
      return (name, mask)
    }
  }

  /// The share of each module's weights that the mask removes, rounded to 4 decimals
  /// as the reference's `round(1 - mask.mean(), 4)`, in parameter order. Written as
  /// `pruned_neuron_module_dict_epoch{e}.json`.
  public var prunedFractions: [(name: String, fraction: Double)] {
    masks.map { name, mask in
      let kept = mask.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double($1) } }
      let fraction = mask.count == 0 ? 0 : 1 - kept / Double(mask.count)
      return (name, (fraction * 10_000).rounded() / 10_000)
    }
  }

  /// How many weights the masks remove in all.
  public var prunedCount: Int {
    masks.reduce(0) { total, entry in
      total + entry.tensor.withUnsafeBufferPointer { $0.reduce(0) { $0 + ($1 == 0 ? 1 : 0) } }
    }
  }
}
