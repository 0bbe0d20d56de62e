import Foundation
import Models
import Tensor
import TestSupport
import Testing

/// The tiny ResNet of the fixture: torchvision's Bottleneck, stem 8, widths
/// 4/8/16/32, layers [2, 1, 1, 1], the reference's softmax head.
func tinyResNet(head: HeadKind = .softmax, classes: Int = 2, seed: UInt64 = 0) -> ResNet {
  var generator = RandomGenerator(seed: seed)
  return ResNet(
    .init(layers: [2, 1, 1, 1], stemWidth: 8, widths: [4, 8, 16, 32]), head: head,
    classes: classes, generator: &generator)
}

@Suite("ResNet")
struct ResNetTests {
  @Test("tiny ResNet matches torchvision: logits, gradients, running stats after 3 steps")
  func tinyParity() throws {
    let fixture = try ModelFixture(Fixtures.url("models"), "resnet_tiny")
    try checkParity(model: tinyResNet(), fixture: fixture, label: "resnet_tiny")
  }

  @Test(
    "ResNet50 at 224 matches torchvision",
    .enabled(
      if: ModelFixture.fullSizeExists("resnet50"),
      "full-size fixture absent: run python3 scripts/make_model_fixtures.py --full"))
  func fullParity() throws {
    let fixture = try ModelFixture(Fixtures.url("models/full"), "resnet50")
    var generator = RandomGenerator(seed: 0)
    let model = ResNet(.resnet50, head: .softmax, classes: 2, generator: &generator)
    try checkParity(model: model, fixture: fixture, label: "resnet50")
  }

  @Test("ResNet50 has torchvision's 161 parameters and 320 state-dict entries, named in order")
  func resnet50Names() {
    var generator = RandomGenerator(seed: 0)
    let model = ResNet(.resnet50, head: .linear, classes: 1000, generator: &generator)
    let names = model.namedParameters().map(\.name)
    #expect(names.count == 161)
    #expect(Array(names.prefix(6)) == [
      "conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight", "layer1.0.bn1.weight",
      "layer1.0.bn1.bias",
    ])
    #expect(names.contains("layer4.0.downsample.0.weight"))
    #expect(!names.contains("layer4.1.downsample.0.weight"))
    #expect(Array(names.suffix(2)) == ["fc.weight", "fc.bias"])
    #expect(model.parameterCount == 25_557_032)
    let state = model.stateDict().map(\.name)
    #expect(state.count == 320)
    #expect(Array(state.prefix(7)) == [
      "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
      "bn1.num_batches_tracked", "layer1.0.conv1.weight",
    ])
  }

  @Test("the stride sits on the 3x3 convolution (v1.5) and downsample carries it too")
  func strideOnConv2() {
    let model = tinyResNet()
    let block = model.layer2.elements[0]
    #expect(block.conv1.stride == 1 && block.conv2.stride == 2 && block.conv3.stride == 1)
    #expect(block.downsample?.conv.stride == 2)
  }
}
