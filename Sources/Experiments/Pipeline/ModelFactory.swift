import Checkpoints
import Foundation
import Models
import Tensor

/// What network to build: architecture, head, LayerNorm epsilon, input side.
public struct ModelRecipe: Sendable, Equatable {
  public var architecture: Architecture
  public var head: HeadKind
  /// ViT/DeiT LayerNorm epsilon: 1e-5 as the reference, 1e-6 as the checkpoints.
  public var layerNormEpsilon: Float
  /// The square input side (ViT position embeddings depend on it).
  public var resolution: Int

  public init(
    architecture: Architecture, head: HeadKind = .softmax, layerNormEpsilon: Float = 1e-5,
    resolution: Int = 224
  ) {
    self.architecture = architecture
    self.head = head
    self.layerNormEpsilon = layerNormEpsilon
    self.resolution = resolution
  }

  /// The settings a checkpoint records so that it can be loaded back by name.
  public var settings: [String: String] {
    [
      "architecture": architecture.rawValue, "head": head.rawValue,
      "layernorm_eps": String(layerNormEpsilon), "resolution": String(resolution),
    ]
  }
}

/// Builds the two-class models of the experiments, fresh or from files.
public enum ModelFactory {
  /// A freshly initialised model with a two-class head, from `seed` (stream 1).
  public static func fresh(_ recipe: ModelRecipe, seed: UInt64) -> any ImageClassifier {
    var generator = RandomGenerator.derived(seed: seed, stream: 1)
    return recipe.architecture.make(
      head: recipe.head, classes: 2, layerNormEpsilon: recipe.layerNormEpsilon,
      imageSize: recipe.resolution, generator: &generator)
  }

  /// An ImageNet checkpoint as published, its head replaced by a fresh two-class head
  /// (the reference's fine-tuning start). Missing and unexpected keys are returned by
  /// name for the caller to report; a shape mismatch throws with the key and shapes.
  public static func fromImageNet(_ url: URL, recipe: ModelRecipe, seed: UInt64) throws -> (
    model: any ImageClassifier, report: BackboneLoadReport
  ) {
    let stateDict = StateDictBridge.tensors(of: try Checkpoint.load(contentsOf: url))
    var generator = RandomGenerator.derived(seed: seed, stream: 1)
    do {
      return try recipe.architecture.loadBackbone(
        stateDict: stateDict, head: recipe.head, classes: 2,
        layerNormEpsilon: recipe.layerNormEpsilon, generator: &generator)
    } catch {
      throw ExperimentsError.incompatibleCheckpoint(path: url.path, reason: "\(error)")
    }
  }

  /// A trained two-class model: the project's `epoch_{e}.safetensors` or the
  /// reference's `epoch_{e}_checkpoints.pth.tar`. The head kind comes from the keys
  /// (`fc.0.*`/`head.0.*` is the reference's softmax head). Every key must match.
  /// Without `architecture`, it is read from the file's metadata or recognised from
  /// the keys and shapes.
  public static func fromCheckpoint(
    _ url: URL, architecture: Architecture? = nil, layerNormEpsilon: Float? = nil,
    resolution: Int? = nil
  ) throws -> (model: any ImageClassifier, recipe: ModelRecipe) {
    let file = try Checkpoint.load(contentsOf: url)
    let stateDict = StateDictBridge.tensors(of: file)
    guard
      let chosen = architecture
        ?? file.metadata["architecture"].flatMap(Architecture.init(rawValue:))
        ?? recognise(stateDict)
    else {
      throw ExperimentsError.incompatibleCheckpoint(
        path: url.path,
        reason: "its keys match none of the architectures; pass --arch (first key: "
          + "\(stateDict.first?.name ?? "none"))")
    }
    let epsilon = layerNormEpsilon ?? file.metadata["layernorm_eps"].flatMap(Float.init) ?? 1e-5
    let side = resolution ?? file.metadata["resolution"].flatMap(Int.init) ?? 224
    let model = try fromStateDict(
      stateDict, source: url.path, architecture: chosen, layerNormEpsilon: epsilon,
      resolution: side)
    let head = chosen.headSignature(in: stateDict)?.kind ?? .softmax
    return (
      model,
      ModelRecipe(architecture: chosen, head: head, layerNormEpsilon: epsilon, resolution: side)
    )
  }

  /// The architecture whose freshly built state dict has exactly these backbone keys
  /// and shapes (the head aside), if one does.
  public static func recognise(_ stateDict: [(name: String, tensor: Tensor)]) -> Architecture? {
    let shapes = Dictionary(
      stateDict.map { ($0.name, $0.tensor.shape) }, uniquingKeysWith: { a, _ in a })
    if let stem = shapes["conv1.weight"], shapes["layer1.0.conv1.weight"] != nil {
      return stem.first == 16 ? .resnetMini : .resnet50
    }
    guard let cls = shapes["cls_token"], cls.count == 3 else { return nil }
    let depth = Set(
      stateDict.compactMap { entry -> Int? in
        guard entry.name.hasPrefix("blocks.") else { return nil }
        return Int(entry.name.split(separator: ".")[1])
      }
    ).count
    switch (cls[2], depth) {
    case (192, 12): return .deitTiny
    case (384, 12): return .deitSmall
    case (768, 12): return .deitBase
    case (1024, 24): return .deitLarge
    default: return nil
    }
  }

  /// `fromCheckpoint` for a state dict already in memory.
  public static func fromStateDict(
    _ stateDict: [(name: String, tensor: Tensor)], source: String, architecture: Architecture,
    layerNormEpsilon: Float = 1e-5, resolution: Int
  ) throws -> any ImageClassifier {
    guard let signature = architecture.headSignature(in: stateDict) else {
      throw ExperimentsError.incompatibleCheckpoint(
        path: source,
        reason: "no '\(architecture.headName).*' classifier among its keys, so it is not a"
          + " \(architecture.rawValue) checkpoint (first key: "
          + "\(stateDict.first?.name ?? "none"))")
    }
    var generator = RandomGenerator(seed: 0)
    let model = architecture.make(
      head: signature.kind, classes: signature.classes, layerNormEpsilon: layerNormEpsilon,
      imageSize: resolution, generator: &generator)
    let report: LoadReport
    do {
      report = try model.load(stateDict: stateDict, strict: false)
    } catch {
      throw ExperimentsError.incompatibleCheckpoint(path: source, reason: "\(error)")
    }
    guard report.isExact else {
      let missing = report.missing.prefix(3).joined(separator: ", ")
      let unexpected = report.unexpected.prefix(3).joined(separator: ", ")
      throw ExperimentsError.incompatibleCheckpoint(
        path: source,
        reason: "does not fit \(architecture.rawValue): \(report.missing.count) keys missing"
          + (missing.isEmpty ? "" : " (\(missing), ...)") + ", \(report.unexpected.count)"
          + " unexpected" + (unexpected.isEmpty ? "" : " (\(unexpected), ...)"))
    }
    return model
  }

  /// The input side a checkpoint's metadata records (the project's checkpoints do).
  public static func recordedResolution(of url: URL) throws -> Int? {
    try Checkpoint.load(contentsOf: url).metadata["resolution"].flatMap(Int.init)
  }
}
