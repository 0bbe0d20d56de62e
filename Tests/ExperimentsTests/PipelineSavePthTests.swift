import Checkpoints
import Foundation
import Tensor
import TestSupport
import Testing

@testable import Experiments

/// `pretrain --save-pth`: the reference's `epoch_{e}_checkpoints.pth.tar` beside each
/// safetensors checkpoint, in its layout, holding the same tensors.
@Suite("--save-pth")
struct PipelineSavePthTests {
  @Test("writes the reference's .pth.tar layout with the same model and Adam state")
  func savePth() throws {
    let output = Fixtures.temporaryDirectory("pipeline-pth").appendingPathComponent("run")
    var options = PipelineTinyRun.pretrainOptions(output: output, epochs: 1)
    options.savePth = true
    _ = try Pretrain(options).run()

    let reference = try Checkpoint.load(
      contentsOf: output.appendingPathComponent("epoch_0_checkpoints.pth.tar"))
    let native = try Checkpoint.load(
      contentsOf: output.appendingPathComponent("epoch_0.safetensors"))
    #expect(reference.format == .zipPth)
    #expect(reference.nesting == .modelStateDict)
    #expect(reference.epoch == 0)
    #expect(reference.loss == native.loss)
    #expect(reference.tensors.map(\.name) == native.tensors.map(\.name))
    for (a, b) in zip(reference.tensors, native.tensors) {
      #expect(a.tensor.shape == b.tensor.shape, "\(a.name)")
      #expect(a.tensor.floats == b.tensor.floats, "\(a.name)")
    }
    // num_batches_tracked keeps PyTorch's int64, so torch.load_state_dict accepts it.
    #expect(reference["bn1.num_batches_tracked"]?.dtype == .int64)
    let adam = try #require(reference.optimizer)
    #expect(adam.parameters.count == native.optimizer?.parameters.count)
    #expect(adam.parameters.first?.step == 3)  // 48 images in batches of 16
    #expect(adam.groups.first?.learningRate == 1e-3)
  }
}
