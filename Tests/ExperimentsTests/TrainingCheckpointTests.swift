import Foundation
import Tensor
import TestSupport
import Testing

@testable import Experiments

/// What `--resume` relies on: the optimizer's state survives `epoch_{e}.safetensors`.
@Suite("Training checkpoints")
struct TrainingCheckpointTests {
  /// Two parameters and a fixed gradient per step.
  func parameters() -> [Tensor] {
    [
      Tensor([1, -2, 3], shape: [3], requiresGrad: true),
      Tensor([0.5, 4], shape: [2], requiresGrad: true),
    ]
  }

  func step(_ optimizer: TrainingOptimizer, _ parameters: [Tensor], scale: Float) {
    for (i, p) in parameters.enumerated() {
      p.grad = Tensor((0..<p.count).map { Float($0 + i + 1) * scale }, shape: p.shape)
    }
    optimizer.optimizer.step()
  }

  /// Runs two steps, saves, restores into a fresh optimizer, runs a third; the result
  /// must equal three uninterrupted steps bit for bit.
  func resumesExactly(_ settings: OptimizerSettings) throws {
    let straight = parameters()
    let uninterrupted = TrainingOptimizer(settings: settings, parameters: straight, epochs: 3)
    for s in 1...3 { step(uninterrupted, straight, scale: Float(s)) }

    let first = parameters()
    let before = TrainingOptimizer(settings: settings, parameters: first, epochs: 3)
    for s in 1...2 { step(before, first, scale: Float(s)) }
    let folder = Fixtures.temporaryDirectory("checkpoint")
    let url = folder.appendingPathComponent("epoch_1.safetensors")
    try TrainingCheckpoint(
      epoch: 1, loss: 0.5, model: [("a", first[0]), ("b", first[1])],
      optimizer: before.stateTensors, learningRate: before.optimizer.learningRate,
      scheduler: before.scheduleState, settings: [:], parameterCount: 2
    ).write(to: url)

    let saved = try TrainingCheckpoint.read(from: url)
    let resumed = saved.model.map { $0.tensor }
    for p in resumed { p.requiresGrad = true }
    let after = TrainingOptimizer(settings: settings, parameters: resumed, epochs: 3)
    try after.restore(
      tensors: saved.optimizer, schedule: saved.scheduler, learningRate: saved.learningRate,
      source: url.path)
    step(after, resumed, scale: 3)
    #expect(resumed.map { $0.toArray() } == straight.map { $0.toArray() })
  }

  @Test("Adam resumes exactly from a saved checkpoint")
  func adam() throws {
    try resumesExactly(OptimizerSettings(learningRate: 0.1, plateauPatience: 3))
  }

  @Test("SGD with momentum resumes exactly: the momentum buffers are saved")
  func sgdMomentum() throws {
    try resumesExactly(
      OptimizerSettings(kind: .sgd, learningRate: 0.1, momentum: 0.9, plateauPatience: 3))
  }
}
