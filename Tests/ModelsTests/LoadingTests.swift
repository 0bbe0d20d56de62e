import Foundation
import Models
import Tensor
import TestSupport
import Testing

@Suite("Loading named tensors into models")
struct LoadingTests {
  @Test("a shape mismatch names the key and both shapes, and writes nothing")
  func shapeMismatch() throws {
    let model = tinyResNet()
    var state = model.stateDict().map { ($0.name, $0.tensor.copy()) }
    let before = model.conv1.weight.toArray()
    state[0].1.fill(7)
    state[1] = ("bn1.weight", Tensor.zeros([9]))
    #expect(throws: ModelLoadError.shapeMismatch(key: "bn1.weight", model: [8], checkpoint: [9])) {
      try model.load(stateDict: state)
    }
    #expect(model.conv1.weight.toArray() == before)
    let message = "\(ModelLoadError.shapeMismatch(key: "bn1.weight", model: [8], checkpoint: [9]))"
    #expect(message == "size mismatch for bn1.weight: the checkpoint has shape [9], "
      + "the model has shape [8]")
  }

  @Test("strict loading lists missing and unexpected keys by name")
  func strictKeys() throws {
    let model = tinyResNet()
    var state = model.stateDict().filter { $0.name != "layer3.0.bn2.bias" }
    state.append(("pre_logits.fc.weight", Tensor.zeros([2, 2])))
    #expect(throws: ModelLoadError.keysDoNotMatch(
      missing: ["layer3.0.bn2.bias"], unexpected: ["pre_logits.fc.weight"])) {
      try model.load(stateDict: state)
    }
    let report = try model.load(stateDict: state, strict: false)
    #expect(report.missing == ["layer3.0.bn2.bias"])
    #expect(report.unexpected == ["pre_logits.fc.weight"])
  }

  @Test("a state dict round-trips into a fresh model, and a missing num_batches_tracked is 0")
  func roundTrip() throws {
    let source = tinyResNet(seed: 1)
    let target = tinyResNet(seed: 2)
    source.bn1.numBatchesTracked.fill(5)
    target.bn1.numBatchesTracked.fill(9)
    let state = source.stateDict().filter { $0.name != "bn1.num_batches_tracked" }
    let report = try target.load(stateDict: state)
    #expect(report.defaulted == ["bn1.num_batches_tracked"])
    #expect(target.bn1.numBatchesTracked.item == 0)
    for ((name, a), (_, b)) in zip(source.namedParameters(), target.namedParameters()) {
      #expect(a.toArray() == b.toArray(), "\(name)")
    }
  }

  @Test("the head kind decides the keys: fc.0.* for softmax, fc.* for linear")
  func headKeys() {
    #expect(tinyResNet(head: .softmax).headKeys == ["fc.0.weight", "fc.0.bias"])
    #expect(tinyResNet(head: .linear).headKeys == ["fc.weight", "fc.bias"])
    #expect(tinyViT(head: .softmax).headKeys == ["head.0.weight", "head.0.bias"])
    let names = tinyResNet(head: .softmax).stateDict().map(\.name)
    #expect(Array(names.suffix(2)) == ["fc.0.weight", "fc.0.bias"])
  }

  @Test("an ImageNet head is dropped for a fresh two-class head; pre_logits is reported")
  func backboneFromImageNet() throws {
    // An "ImageNet checkpoint" of the tiny ViT: linear head of 1000 classes plus a
    // pre-logits layer, as in jx_vit_large_patch16_224_in21k.
    let imagenet = tinyViT(head: .linear, seed: 3)
    imagenet.head = {
      var generator = RandomGenerator(seed: 4)
      return ClassifierHead(kind: .linear, features: 32, classes: 1000, generator: &generator)
    }()
    var state = imagenet.stateDict()
    state.append(("pre_logits.fc.weight", Tensor.zeros([32, 32])))
    state.append(("pre_logits.fc.bias", Tensor.zeros([32])))
    #expect(Architecture.deitTiny.headSignature(in: state) == HeadSignature(
      kind: .linear, classes: 1000, features: 32))

    let model = tinyViT(head: .softmax, seed: 5)
    let freshHead = model.head.linear.weight.toArray()
    let backbone = state.filter { !$0.name.hasPrefix("head.") }
    let report = try model.load(stateDict: backbone, strict: false)
    #expect(report.missing == ["head.0.weight", "head.0.bias"])
    #expect(report.unexpected == ["pre_logits.fc.weight", "pre_logits.fc.bias"])
    #expect(model.head.linear.weight.toArray() == freshHead)
    #expect(model.norm.weight.toArray() == imagenet.norm.weight.toArray())
  }

  @Test("wrapped state dicts (model., model_state_dict., module.) are unwrapped")
  func unwrapping() {
    let w = Tensor.zeros([2, 2])
    let deit = unwrapStateDict([("model.cls_token", w), ("model.norm.weight", w)])
    #expect(deit.map(\.name) == ["cls_token", "norm.weight"])
    let reference = unwrapStateDict([
      ("epoch", Tensor(scalar: 3)), ("model_state_dict.fc.0.weight", w),
      ("optimizer_state_dict.state.0.exp_avg", w), ("loss", Tensor(scalar: 0.5)),
    ])
    #expect(reference.map(\.name) == ["fc.0.weight"])
    let parallel = unwrapStateDict([("module.conv1.weight", w), ("module.fc.weight", w)])
    #expect(parallel.map(\.name) == ["conv1.weight", "fc.weight"])
    let plain = unwrapStateDict([("conv1.weight", w), ("fc.weight", w)])
    #expect(plain.map(\.name) == ["conv1.weight", "fc.weight"])
  }
}
