import Checkpoints
import Foundation
import Models
import Tensor

/// What a run saves at the end of each epoch so that `--resume` continues exactly:
/// the model's state dict, Adam's moments and step counts, the scheduler's progress and
/// the learning rate. Written as `epoch_{e}.safetensors` (the project's format) and,
/// on request, as the reference's `epoch_{e}_checkpoints.pth.tar` (`epoch`,
/// `model_state_dict`, `optimizer_state_dict`, `loss`), which `torch.load` reads.
///
/// The data order and augmentation of an epoch are functions of the run's seed and
/// the epoch number, so no random-generator state needs saving.
public struct TrainingCheckpoint {
  /// The epoch just finished (0-based, as the reference numbers its files).
  public var epoch: Int
  /// The epoch's summed training loss (the value the plateau scheduler saw).
  public var loss: Double
  /// The model's state dict in registration order.
  public var model: [(name: String, tensor: Tensor)]
  /// Adam's state (`state.<i>.step/exp_avg/exp_avg_sq`), empty for SGD.
  public var optimizer: [(name: String, tensor: Tensor)]
  /// The learning rate for the next epoch.
  public var learningRate: Double
  /// Scheduler progress as text (`SchedulerState.encoded`), or empty.
  public var scheduler: String
  /// Free-form settings kept in the file (architecture, head, dataset, ...).
  public var settings: [String: String]
  /// How many of the model's tensors are trainable parameters (the optimizer's
  /// `params` list in the reference layout is `0..<parameterCount`).
  public var parameterCount: Int

  public init(
    epoch: Int, loss: Double, model: [(name: String, tensor: Tensor)],
    optimizer: [(name: String, tensor: Tensor)], learningRate: Double, scheduler: String,
    settings: [String: String], parameterCount: Int
  ) {
    self.epoch = epoch
    self.loss = loss
    self.model = model
    self.optimizer = optimizer
    self.learningRate = learningRate
    self.scheduler = scheduler
    self.settings = settings
    self.parameterCount = parameterCount
  }

  /// The checkpoint as the file layer sees it.
  public func checkpoint(adamBetas: (Double, Double) = (0.9, 0.999), weightDecay: Double = 0)
    -> Checkpoint
  {
    var metadata = settings
    metadata["spurious.learning_rate"] = String(learningRate)
    metadata["spurious.scheduler"] = scheduler
    return Checkpoint(
      tensors: StateDictBridge.stored(model), nesting: .modelStateDict, epoch: epoch,
      loss: loss,
      optimizer: optimizerState(betas: adamBetas, weightDecay: weightDecay),
      metadata: metadata)
  }

  /// Writes `epoch_{e}.safetensors` (atomically, as every checkpoint writer here).
  public func write(to url: URL) throws {
    try SafetensorsWriter.write(checkpoint(), to: url)
  }

  /// Writes the reference's `.pth.tar` layout, loadable by `torch.load`.
  public func writeReference(to url: URL) throws {
    try PthWriter.write(checkpoint(), to: url)
  }

  /// Reads a checkpoint written by `write` (or a reference `.pth.tar`, whose scheduler
  /// state is unknown and comes back empty).
  public static func read(from url: URL) throws -> TrainingCheckpoint {
    let file = try Checkpoint.load(contentsOf: url)
    var optimizer: [(name: String, tensor: Tensor)] = []
    for parameter in file.optimizer?.parameters ?? [] {
      if let step = parameter.step {
        optimizer.append(("state.\(parameter.index).step", Tensor(scalar: Float(step))))
      }
      for entry in parameter.tensors {
        optimizer.append(
          (
            "state.\(parameter.index).\(entry.name)",
            Tensor(entry.tensor.floats, shape: entry.tensor.shape)
          ))
      }
    }
    let learningRate =
      file.metadata["spurious.learning_rate"].flatMap(Double.init)
      ?? file.optimizer?.groups.first?.learningRate ?? 0
    return TrainingCheckpoint(
      epoch: file.epoch ?? 0, loss: file.loss ?? .nan, model: StateDictBridge.tensors(of: file),
      optimizer: optimizer, learningRate: learningRate,
      scheduler: file.metadata["spurious.scheduler"] ?? "",
      settings: file.metadata.filter { !internalKeys.contains($0.key) },
      parameterCount: file.optimizer?.groups.first?.parameterIndices.count ?? 0)
  }

  /// Metadata keys this type writes itself (not part of `settings`).
  static let internalKeys: Set<String> = ["spurious.learning_rate", "spurious.scheduler"]

  /// Adam's exported tensors regrouped per parameter, as `torch.optim.Adam` lays out
  /// its `state_dict()`.
  func optimizerState(betas: (Double, Double), weightDecay: Double) -> OptimizerState? {
    guard !optimizer.isEmpty else { return nil }
    var steps: [Int: Double] = [:]
    var tensors: [Int: [NamedTensor]] = [:]
    for (name, tensor) in optimizer {
      let parts = name.split(separator: ".", maxSplits: 2)
      guard parts.count == 3, let index = Int(parts[1]) else { continue }
      if parts[2] == "step" {
        steps[index] = Double(tensor.item)
      } else {
        tensors[index, default: []].append(
          NamedTensor(String(parts[2]), StoredTensor(shape: tensor.shape, floats: tensor.toArray()))
        )
      }
    }
    // Adam records a step per parameter; SGD only its momentum buffers.
    let indices = Set(steps.keys).union(tensors.keys).sorted()
    let parameters = indices.map { index in
      OptimizerState.ParameterState(index: index, step: steps[index], tensors: tensors[index] ?? [])
    }
    let group = OptimizerState.ParameterGroup.adam(
      learningRate: learningRate, betas: betas, weightDecay: weightDecay,
      parameterIndices: Array(0..<parameterCount))
    return OptimizerState(parameters: parameters, groups: [group])
  }
}
