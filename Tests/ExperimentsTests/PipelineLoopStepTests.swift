import Datasets
import Foundation
import Imaging
import Models
import Neurons
import Tensor
import TestSupport
import Testing

@testable import Experiments

/// Ties the loops to the steps the parity tests check against PyTorch: one epoch of a
/// single batch through `ERMTraining.epoch` and `PruneFinetune.trainEpoch` gives, bit
/// for bit, the weights of the step written out by hand from the same public pieces.
@Suite("Training loops equal their hand-written steps")
struct PipelineLoopStepTests {
  /// Eight training images in file order, unaugmented: one batch.
  static func singleBatch() throws -> (loader: BatchLoader, batch: Batch) {
    let data = try ExperimentData(PipelineTinyRun.dataOptions)
    let loader = BatchLoader(
      split: data.split(.train).subset(Array(0..<8)), batchSize: 8,
      transform: .evaluation(EvaluationTransform(cropSize: PipelineTinyRun.resolution)),
      threads: 2)
    let iterator = try loader.epoch(0)
    let first = try iterator.next()
    let batch = try #require(first)
    let second = try iterator.next()
    #expect(second == nil)
    return (loader, batch)
  }

  static func model() throws -> any ImageClassifier {
    try ModelFactory.fromCheckpoint(PipelineTinyRun.checkpoint(1)).model
  }

  static func expectSameState(_ a: any ImageClassifier, _ b: any ImageClassifier) {
    let (sa, sb) = (a.stateDict(), b.stateDict())
    #expect(sa.map(\.name) == sb.map(\.name))
    for (x, y) in zip(sa, sb) {
      #expect(x.tensor.toArray() == y.tensor.toArray(), "\(x.name)")
    }
  }

  @Test("ERMTraining.epoch on one batch is zeroGrad, mean cross-entropy, backward, Adam")
  func ermEpoch() throws {
    let (loader, batch) = try Self.singleBatch()
    let looped = try Self.model()
    let optimizer = TrainingOptimizer(
      settings: OptimizerSettings(learningRate: 1e-3, plateauPatience: 3),
      parameters: looped.parameters(), epochs: 1)
    let result = try ERMTraining.epoch(looped, optimizer: optimizer, loader: loader, epoch: 0)

    let manual = try Self.model()
    manual.train()
    let adam = Adam(parameters: manual.parameters(), learningRate: 1e-3)
    adam.zeroGrad()
    let loss = Tensor.crossEntropy(
      manual(batch.imageTensor(0..<8)), targets: batch.targetTensor(0..<8))
    loss.backward()
    adam.step()
    #expect(result.loss == Double(loss.item))
    Self.expectSameState(looped, manual)
    let start = try Self.model()
    #expect(looped.parameters()[0].toArray() != start.parameters()[0].toArray())
  }

  @Test("PruneFinetune.trainEpoch on one batch is the three-forward step of the parity test")
  func pruneFinetuneEpoch() throws {
    let (loader, batch) = try Self.singleBatch()
    let looped = try Self.model()
    let mask = try MagnitudeMask(
      prunable: StudyRunner.prunableWeights(looped, architecture: .resnetMini), fraction: 0.05)
    let runner = PruneFinetune(
      .init(
        checkpoint: PipelineTinyRun.checkpoint(1), data: PipelineTinyRun.dataOptions,
        output: Fixtures.temporaryDirectory("unused")))
    let optimizer = TrainingOptimizer(
      settings: OptimizerSettings(learningRate: 2e-4, plateauPatience: 1),
      parameters: looped.parameters(), epochs: 1)
    let losses = try runner.trainEpoch(
      looped, optimizer: optimizer, loader: loader, epoch: 0, masks: mask.masks)

    let manual = try Self.model()
    manual.train()
    let adam = Adam(parameters: manual.parameters(), learningRate: 2e-4)
    let x = batch.imageTensor(0..<8)
    adam.zeroGrad()
    let fullFixed = Tensor.withoutGradient { manual(x) }
    PruneMasks.apply(mask.masks, to: manual)
    let pruned = manual(x)
    var contrastive = ntXentLoss(fullFixed, pruned, temperature: 0.5)
    PruneMasks.clear(manual)
    let full = manual(x)
    contrastive = contrastive + ntXentLoss(full, pruned.detached(), temperature: 0.5)
    let crossEntropy = Tensor.crossEntropy(full, targets: batch.targetTensor(0..<8))
    let loss = contrastive + crossEntropy * 0.2
    loss.backward()
    adam.step()
    #expect(losses.total == Double(loss.item))
    #expect(losses.contrastive == Double(contrastive.item))
    #expect(losses.crossEntropy == Double(crossEntropy.item))
    Self.expectSameState(looped, manual)
    // The loop leaves no mask behind.
    for (_, module) in looped.namedModules() {
      if let conv = module as? Conv2d { #expect(conv.pruneMask == nil) }
    }
  }
}
