import Foundation
import Models
import Neurons
import Tensor
import TestSupport
import Testing

@testable import Experiments

/// Parity with PyTorch on fixtures from scripts/make_pipeline_fixtures.py (computed in
/// float64 there, so the differences below are this engine's float32 error).
@Suite("Pipeline parity with PyTorch")
struct PipelineParityTests {
  static let ntxent = try! SafetensorsFixture(
    contentsOf: Fixtures.url("pipeline/ntxent.safetensors"))
  static let step = try! SafetensorsFixture(
    contentsOf: Fixtures.url("pipeline/resnet_step.safetensors"))

  /// The fixture's network: resnet_mini's structure and key names, narrower so that the
  /// fixture stays small (see the script's header).
  static func tinyResNet() throws -> ResNet {
    var generator = RandomGenerator(seed: 0)
    let model = ResNet(
      ResNet.Configuration(layers: [1, 1, 1, 1], stemWidth: 8, widths: [4, 8, 8, 8]),
      head: .softmax, classes: 2, generator: &generator)
    let initial = step.withPrefix("init.").map { ($0.key, $0.value) }
    try model.load(stateDict: initial, strict: true)
    return model
  }

  /// Largest |a - b| over `a`, and the largest |a - b| / (|b| + absolute).
  static func differences(_ a: [Float], _ b: [Float], absolute: Float) -> (Float, Float) {
    var worst: (Float, Float) = (0, 0)
    for (x, y) in zip(a, b) {
      let d = abs(x - y)
      worst = (max(worst.0, d), max(worst.1, d / (abs(y) + absolute)))
    }
    return worst
  }

  /// Checks every parameter's gradient (relative to the tensor's largest reference
  /// gradient) and every state-dict entry after the step.
  static func expectStep(
    _ model: ResNet, prefix: String, learningRate: Float, gradientTolerance: Float,
    weightRelative: Float, weightAbsolute: Float
  ) {
    var worstGradient: Float = 0
    for (name, parameter) in model.namedParameters() {
      let reference = step["\(prefix).grad.\(name)"].toArray()
      let scale = reference.map(abs).max() ?? 0
      let (d, _) = differences(parameter.grad?.toArray() ?? [], reference, absolute: 0)
      #expect(d <= gradientTolerance * scale + 1e-7, "\(prefix) gradient of \(name): \(d)")
      worstGradient = max(worstGradient, scale == 0 ? d : d / scale)
    }
    var worstWeight: Float = 0
    var undecided = 0
    var undecidedDiffering = 0
    for (name, tensor) in model.stateDict() {
      let reference = step["\(prefix).after.\(name)"].toArray()
      let actual = tensor.toArray()
      #expect(actual.count == reference.count, "\(name)")
      let gradient = step.tensors["\(prefix).grad.\(name)"]?.toArray()
      let scale = gradient?.map(abs).max() ?? 0
      for (index, (a, r)) in zip(actual, reference).enumerated() {
        let d = abs(a - r)
        // Adam's first step moves by lr * g / (|g| + 1e-8), about lr * sign(g): where the
        // reference gradient is non-zero but below float32's resolution of the sum that
        // produced it, its sign is noise, and the step may differ by up to 2 lr.
        if let g = gradient?[index], g != 0, abs(g) < 1e-5 * scale {
          undecided += 1
          if d > weightRelative * abs(r) + weightAbsolute { undecidedDiffering += 1 }
          #expect(d <= 2 * learningRate * 1.001 + weightAbsolute, "\(prefix) \(name)[\(index)]")
          continue
        }
        worstWeight = max(worstWeight, d / (abs(r) + weightAbsolute / weightRelative))
        if d > weightRelative * abs(r) + weightAbsolute {
          Issue.record("\(prefix) \(name)[\(index)]: \(a) vs PyTorch \(r)")
          break
        }
      }
    }
    print(
      "\(prefix): worst gradient difference / scale \(worstGradient), worst weight "
        + "difference / (|w| + atol/rtol) \(worstWeight); \(undecided) values with a gradient"
        + " below 1e-5 of their tensor's largest, \(undecidedDiffering) of them off by more")
  }

  @Test("ntXentLoss equals the reference nt_xent in value and in both gradients")
  func ntXent() throws {
    let fixture = Self.ntxent
    let a = Tensor(fixture["a"].toArray(), shape: [6, 2], requiresGrad: true)
    let b = Tensor(fixture["b"].toArray(), shape: [6, 2], requiresGrad: true)
    let loss = ntXentLoss(a, b, temperature: 0.5)
    loss.backward()
    let expected = fixture["loss"].toArray()[0]
    #expect(abs(loss.item - expected) <= 2e-6 * abs(expected), "\(loss.item) vs \(expected)")
    let (da, _) = Self.differences(a.grad!.toArray(), fixture["grad_a"].toArray(), absolute: 0)
    let (db, _) = Self.differences(b.grad!.toArray(), fixture["grad_b"].toArray(), absolute: 0)
    #expect(da <= 1e-6 && db <= 1e-6, "gradient differences \(da), \(db)")
    print("nt-xent: loss \(loss.item) vs \(expected), gradient differences \(da), \(db)")
  }

  /// Mirrors one batch of `ERMTraining.epoch` (no micro-batches): zeroGrad, mean
  /// cross-entropy of the softmax head's output against `[y, 1 - y]`, backward, Adam.
  @Test("one ERM step (softmax head, Adam 1e-3) matches PyTorch's weights and BN stats")
  func ermStep() throws {
    let model = try Self.tinyResNet()
    let x = Self.step["x"]
    let y = Self.step["y"]
    model.train()
    let optimizer = Adam(parameters: model.parameters(), learningRate: 1e-3)
    optimizer.zeroGrad()
    let loss = Tensor.crossEntropy(model(x), targets: y)
    loss.backward()
    let expected = Self.step["erm.loss"].toArray()[0]
    #expect(abs(loss.item - expected) <= 1e-5 * abs(expected), "\(loss.item) vs \(expected)")
    optimizer.step()
    Self.expectStep(
      model, prefix: "erm", learningRate: 1e-3, gradientTolerance: 1e-4, weightRelative: 1e-5,
      weightAbsolute: 1e-6)
  }

  /// Mirrors one batch of `PruneFinetune.trainEpoch`: three train-mode forwards (full
  /// without gradient, pruned, full), NT-Xent both ways, 0.2 x cross-entropy, Adam 2e-4.
  @Test("one prune-finetune step (mask 5%, three forwards) matches PyTorch's weights")
  func pruneFinetuneStep() throws {
    let model = try Self.tinyResNet()
    // The masks as MagnitudeMask computes them equal the reference's magnitude_pruning.
    let prunable = StudyRunner.prunableWeights(model, architecture: .resnetMini)
    let mask = try MagnitudeMask(prunable: prunable, fraction: 0.05)
    let fixtureMasks = Self.step.withPrefix("prune.mask.")
    #expect(Set(mask.masks.map(\.name)) == Set(fixtureMasks.keys))
    for (name, tensor) in mask.masks {
      #expect(tensor.toArray() == fixtureMasks[name]?.toArray(), "mask of \(name)")
    }

    let x = Self.step["x"]
    let y = Self.step["y"]
    model.train()
    let optimizer = Adam(parameters: model.parameters(), learningRate: 2e-4)
    optimizer.zeroGrad()
    PruneMasks.clear(model)
    let fullFixed = Tensor.withoutGradient { model(x) }
    PruneMasks.apply(mask.masks, to: model)
    let pruned = model(x)
    var contrastive = ntXentLoss(fullFixed, pruned, temperature: 0.5)
    PruneMasks.clear(model)
    let full = model(x)
    contrastive = contrastive + ntXentLoss(full, pruned.detached(), temperature: 0.5)
    let loss = contrastive + Tensor.crossEntropy(full, targets: y) * 0.2
    loss.backward()
    let expected = Self.step["prune.loss"].toArray()[0]
    #expect(abs(loss.item - expected) <= 1e-5 * abs(expected), "\(loss.item) vs \(expected)")
    optimizer.step()
    Self.expectStep(
      model, prefix: "prune", learningRate: 2e-4, gradientTolerance: 1e-4, weightRelative: 1e-5,
      weightAbsolute: 1e-6)
  }
}
