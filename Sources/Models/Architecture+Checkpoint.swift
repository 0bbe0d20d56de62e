import Tensor

/// The classifier a checkpoint holds, read from its keys and shapes.
public struct HeadSignature: Equatable, Sendable {
  /// `.softmax` when the keys are `<head>.0.*`, `.linear` when they are `<head>.*`.
  public var kind: HeadKind
  public var classes: Int
  public var features: Int

  public init(kind: HeadKind, classes: Int, features: Int) {
    self.kind = kind
    self.classes = classes
    self.features = features
  }
}

/// What loading a pretrained backbone did.
public struct BackboneLoadReport: Equatable, Sendable {
  /// The copy of the checkpoint's tensors into the model (the fresh head's keys count
  /// as missing-by-design and are not listed in `load.missing`).
  public var load: LoadReport
  /// The checkpoint's classifier keys that were dropped (e.g. `fc.weight [1000, 2048]`).
  public var droppedHead: [String]
}

extension Architecture {
  /// The head's attribute name in this architecture's state dict.
  public var headName: String { isTransformer ? "head" : "fc" }

  /// The classifier described by `stateDict`'s keys, or nil when it has none:
  /// `<head>.0.weight [classes, features]` is the reference's softmax head,
  /// `<head>.weight` a linear head.
  public func headSignature(in stateDict: [(name: String, tensor: Tensor)]) -> HeadSignature? {
    for (kind, prefix) in [(HeadKind.softmax, headName + ".0"), (.linear, headName)] {
      if let weight = stateDict.first(where: { $0.name == prefix + ".weight" })?.tensor,
        weight.rank == 2
      {
        return HeadSignature(kind: kind, classes: weight.shape[0], features: weight.shape[1])
      }
    }
    return nil
  }

  /// The network a checkpoint describes, with its own head (kind and class count from
  /// the keys: a 1000-class checkpoint gives a 1000-class model), loaded from it.
  /// Without a head in the checkpoint, `defaultHead` with `defaultClasses` is
  /// initialised from `generator` and its keys are reported missing. With `strict`,
  /// any missing or unexpected key throws; otherwise they are reported. A shape
  /// mismatch always throws, naming the key and both shapes.
  public func load(
    stateDict: [(name: String, tensor: Tensor)], strict: Bool = false,
    layerNormEpsilon: Float = 1e-5, defaultHead: HeadKind = .softmax, defaultClasses: Int = 2,
    generator: inout RandomGenerator
  ) throws -> (model: any ImageClassifier, report: LoadReport) {
    let signature = headSignature(in: stateDict)
    let model = make(
      head: signature?.kind ?? defaultHead, classes: signature?.classes ?? defaultClasses,
      layerNormEpsilon: layerNormEpsilon, generator: &generator)
    let report = try model.load(stateDict: stateDict, strict: strict)
    return (model, report)
  }

  /// The start of fine-tuning: every tensor of the checkpoint but its classifier
  /// (the 1000- or 21843-class ImageNet head, or any other) is loaded, and a fresh
  /// `head` of `classes` classes, initialised from `generator` with PyTorch's Linear
  /// default, takes its place. Keys the model lacks (such as ViT-L's `pre_logits.*`)
  /// are reported as unexpected, never silently dropped; backbone keys the checkpoint
  /// lacks are reported missing.
  public func loadBackbone(
    stateDict: [(name: String, tensor: Tensor)], head: HeadKind, classes: Int,
    layerNormEpsilon: Float = 1e-5, generator: inout RandomGenerator
  ) throws -> (model: any ImageClassifier, report: BackboneLoadReport) {
    let model = make(
      head: head, classes: classes, layerNormEpsilon: layerNormEpsilon, generator: &generator)
    let headPrefixes = [headName + ".0.", headName + "."]
    let isHeadKey = { (name: String) in
      headPrefixes.contains { prefix in
        name.hasPrefix(prefix) && !name.dropFirst(prefix.count).contains(".")
      }
    }
    let dropped = stateDict.map(\.name).filter(isHeadKey)
    var load = try model.load(stateDict: stateDict.filter { !isHeadKey($0.name) }, strict: false)
    let freshHead = Set(model.headKeys)
    load.missing.removeAll { freshHead.contains($0) }
    return (model, BackboneLoadReport(load: load, droppedHead: dropped))
  }
}
