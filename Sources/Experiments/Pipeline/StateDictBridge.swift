import Checkpoints
import Tensor

/// Conversions between a checkpoint file's named tensors and the engine's tensors.
public enum StateDictBridge {
  /// The model state dict of `checkpoint` as engine tensors, in file order. Integer
  /// buffers (`num_batches_tracked`) become Float tensors holding the same whole number.
  public static func tensors(of checkpoint: Checkpoint) -> [(name: String, tensor: Tensor)] {
    checkpoint.tensors.map { entry in
      (entry.name, Tensor(entry.tensor.floats, shape: entry.tensor.shape))
    }
  }

  /// Engine tensors as checkpoint tensors; `num_batches_tracked` is written as int64,
  /// the dtype PyTorch keeps it in, so `.pth` files load into torch modules unchanged.
  public static func stored(_ entries: [(name: String, tensor: Tensor)]) -> [NamedTensor] {
    entries.map { name, tensor in
      if name.hasSuffix("num_batches_tracked") {
        let integers = tensor.toArray().map { Int64($0.rounded()) }
        return NamedTensor(name, StoredTensor(shape: tensor.shape, integers: integers))
      }
      return NamedTensor(name, StoredTensor(shape: tensor.shape, floats: tensor.toArray()))
    }
  }
}
