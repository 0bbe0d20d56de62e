import Foundation
import Models
import Tensor
import TestSupport
import Testing

@Suite("Every architecture trains")
struct ModelSmokeTests {
  /// Forward and backward of a two-image batch; every parameter must get a finite
  /// gradient.
  private func checkTrains(_ model: any ImageClassifier, imageSize: Int, label: String) {
    var generator = RandomGenerator(seed: 9)
    let images = Tensor.normal([2, 3, imageSize, imageSize], std: 1, generator: &generator)
    let target = Tensor([1, 0, 0, 1], shape: [2, 2])
    model.train()
    let loss = referenceLoss(model(images), target: target)
    #expect(loss.item.isFinite, "\(label) loss")
    loss.backward()
    for (name, parameter) in model.namedParameters() {
      guard let grad = parameter.grad else {
        Issue.record("\(label): \(name) received no gradient")
        continue
      }
      let values = grad.toArray()
      let finite = values.allSatisfy { $0.isFinite }
      #expect(finite, "\(label): \(name) has a non-finite gradient")
    }
  }

  @Test("ResNet50 at 32x32")
  func resnet50() {
    var generator = RandomGenerator(seed: 1)
    let model = Architecture.resnet50.make(head: .softmax, classes: 2, generator: &generator)
    checkTrains(model, imageSize: 32, label: "resnet50")
  }

  @Test("DeiT tiny, small and base at 32x32 (4 patches)", arguments: [
    Architecture.deitTiny, .deitSmall, .deitBase,
  ])
  func deit(_ architecture: Architecture) {
    var generator = RandomGenerator(seed: 1)
    let model = architecture.make(
      head: .softmax, classes: 2, imageSize: 32, generator: &generator)
    checkTrains(model, imageSize: 32, label: architecture.rawValue)
  }

  @Test("ViT-L/16 (deit_large) blocks at full width, two of its 24 blocks, 32x32")
  func vitLarge() {
    // All 24 blocks would allocate 1.2 GB of weights for the same check; the block
    // is the same code at every depth.
    var configuration = Architecture.deitLarge.transformerConfiguration(layerNormEpsilon: 1e-5)!
    configuration.depth = 2
    configuration.imageSize = 32
    var generator = RandomGenerator(seed: 1)
    let model = VisionTransformer(
      configuration, head: .softmax, classes: 2, generator: &generator)
    checkTrains(model, imageSize: 32, label: "deit_large")
  }
}
