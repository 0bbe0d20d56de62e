import Foundation
import Models
import Tensor
import TestSupport
import Testing

@Suite("Fast inference path")
struct InferenceTests {
  @Test("folded batch norm gives torchvision's eval logits for the tiny ResNet")
  func foldedResNetMatchesPyTorch() throws {
    let fixture = try ModelFixture(Fixtures.url("models"), "resnet_tiny")
    let model = tinyResNet()
    try model.load(stateDict: fixture.initialState)
    let fast = InferenceModel(model).forward(fixture.file["input"])
    let reference = fixture.file["eval.logits"]
    let scale = reference.toArray().reduce(0) { max($0, abs($1)) }
    let error = maxAbsoluteDifference(fast.logits.toArray(), reference.toArray())
    #expect(error <= 1e-4 * scale + 1e-5)
    #expect(fast.logits.requiresGrad == false)
    let probabilities = maxAbsoluteDifference(
      fast.output.toArray(), fixture.file["eval.probabilities"].toArray())
    #expect(probabilities <= 1e-5)
  }

  @Test("the snapshot ignores later weight changes and leaves the model's mode alone")
  func snapshot() throws {
    let fixture = try ModelFixture(Fixtures.url("models"), "resnet_tiny")
    let model = tinyResNet()
    try model.load(stateDict: fixture.initialState)
    model.train()
    let inference = InferenceModel(model)
    let before = inference.forward(fixture.file["input"]).logits.toArray()
    model.conv1.weight.fill(0)
    #expect(inference.forward(fixture.file["input"]).logits.toArray() == before)
    #expect(model.isTraining)
  }

  @Test("a batch larger than a chunk gives each image's logits, in order, bitwise")
  func chunkedBatch() throws {
    let fixture = try ModelFixture(Fixtures.url("models"), "resnet_tiny")
    let model = tinyResNet()
    try model.load(stateDict: fixture.initialState)
    let inference = InferenceModel(model)
    let one = fixture.file["input"].slice(axis: 0, 0..<1)
    // 19 images (two full chunks of 8 and a partial one), each a scaled copy of one.
    let images = Tensor.concat((0..<19).map { one * Float(1 + $0) / 8 }, axis: 0)
    let whole = inference.forward(images).logits.toArray()
    let single = (0..<19).flatMap { i in
      inference.forward(images.slice(axis: 0, i..<(i + 1))).logits.toArray()
    }
    #expect(whole == single)
  }

  @Test("predictions: logits of the head, probabilities their softmax, one per image")
  func predictor() throws {
    let fixture = try ModelFixture(Fixtures.url("models"), "vit_tiny")
    let model = tinyViT()
    try model.load(stateDict: fixture.initialState)
    let predictions = Predictor(model: model).predict(fixture.file["input"])
    let logits = fixture.file["eval.logits"].toArray()
    let probabilities = fixture.file["eval.probabilities"].toArray()
    #expect(predictions.count == 3)
    for (row, prediction) in predictions.enumerated() {
      let range = row * 2..<(row + 1) * 2
      #expect(maxAbsoluteDifference(prediction.logits, Array(logits[range])) <= 1e-5)
      #expect(maxAbsoluteDifference(prediction.probabilities, Array(probabilities[range])) <= 1e-5)
    }
  }
}
