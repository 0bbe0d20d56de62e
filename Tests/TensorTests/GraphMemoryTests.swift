import Tensor
import TestSupport
import Testing

/// The graph keeps only what backward steps saved: an op's output that no step needs
/// is freed when the forward pass drops it, as in PyTorch, and each step's saved
/// tensors go as soon as it has run. Storage lifetimes are observed through weak
/// references, so these checks do not depend on timing or on other tests.
@Suite("Graph memory")
struct GraphMemoryTests {
  /// Weak references to storage blocks, to see which are still allocated.
  final class StorageWatch {
    struct Entry { weak var storage: TensorStorage? }
    private var entries: [String: Entry] = [:]

    /// Watches `tensor`'s storage under `name` and returns the tensor.
    func callAsFunction(_ name: String, _ tensor: Tensor) -> Tensor {
      entries[name] = Entry(storage: tensor.storage)
      return tensor
    }

    /// Whether the storage watched under `name` is still allocated.
    func isAlive(_ name: String) -> Bool { entries[name]?.storage != nil }
  }

  /// conv -> batch norm -> ReLU -> conv -> batch norm, + shortcut, ReLU, as a ResNet
  /// block does in training, with every output watched.
  static func block(_ watch: StorageWatch, image: Tensor, kernel: Tensor) -> Tensor {
    let stats = { (x: Tensor) in
      Tensor.batchNorm2d(
        x, weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: true)
    }
    let c1 = watch("conv1", Tensor.conv2d(image, weight: kernel, padding: 1))
    let r1 = watch("relu1", watch("bn1", stats(c1)).relu())
    let c2 = watch("conv2", Tensor.conv2d(r1, weight: kernel, padding: 1))
    let sum = watch("sum", watch("bn2", stats(c2)) + image)
    return watch("relu2", sum.relu())
  }

  @Test("batch norm and sum outputs are freed in forward; saved tensors after backward")
  func residualBlock() {
    let watch = StorageWatch()
    let image = testTensor([2, 3, 5, 5], seed: 70)
    let kernel = testTensor([3, 3, 3, 3], seed: 71, scale: 0.5)
    do {
      let loss = GraphMemoryTests.block(watch, image: image, kernel: kernel).sum()
      // Batch norm needs its input, ReLU its output, convolution its input; nothing
      // needs the batch norm outputs or the sum (PyTorch writes those in place).
      for name in ["bn1", "bn2", "sum"] { #expect(!watch.isAlive(name), "\(name)") }
      for name in ["conv1", "relu1", "conv2", "relu2"] { #expect(watch.isAlive(name), "\(name)") }
      loss.backward()
      for name in ["conv1", "relu1", "conv2", "relu2"] {
        #expect(!watch.isAlive(name), "\(name) after backward")
      }
    }
    #expect(image.grad != nil && kernel.grad != nil)
  }

  @Test("gradients through conv, batch norm and a shortcut sum, outputs freed")
  func blockGradients() {
    // The block without its ReLUs, whose kinks finite differences cannot cross.
    let image = testTensor([2, 3, 4, 4], seed: 72)
    let kernel = testTensor([3, 3, 3, 3], seed: 73, scale: 0.5)
    let weight = testTensor([3], seed: 74)
    let problems = GradientCheck().mismatches([image, kernel, weight]) { t in
      let c = Tensor.conv2d(t[0], weight: t[1], padding: 1)
      let b = Tensor.batchNorm2d(
        c, weight: t[2], bias: nil, runningMean: nil, runningVar: nil, training: true)
      return (b + t[0]).permuted([0, 2, 3, 1])
    }
    #expect(problems == [])
  }

  /// timm's attention from a `[B, N, 3, heads, hd]` projection, every copy watched.
  static func attention(_ watch: StorageWatch, _ x: Tensor) -> Tensor {
    // [B, N, 3, heads, hd] -> [3, B, heads, N, hd], then q, k, v.
    let permuted = watch("permuted", x.permuted([2, 0, 3, 1, 4]))
    let q = watch("q", permuted.select(axis: 0, index: 0))
    let k = watch("k", permuted.select(axis: 0, index: 1))
    let v = watch("v", permuted.select(axis: 0, index: 2))
    let mixed = Tensor.scaledDotProductAttention(query: q, key: k, value: v)
    return watch("merged", mixed.transposed(1, 2)).sum()
  }

  @Test("copies made by permute and transpose are freed; the attention inputs are kept")
  func attentionCopies() {
    let watch = StorageWatch()
    let x = testTensor([2, 4, 3, 2, 5], seed: 75)
    do {
      let loss = GraphMemoryTests.attention(watch, x)
      #expect(!watch.isAlive("permuted") && !watch.isAlive("merged"))
      #expect(watch.isAlive("q") && watch.isAlive("k") && watch.isAlive("v"))
      loss.backward()
      #expect(!watch.isAlive("q") && !watch.isAlive("k") && !watch.isAlive("v"))
    }
    #expect(x.grad?.shape == x.shape)
  }

  @Test("a value used by two ops of a chain whose tensors are gone gets both gradients")
  func sharedInputOfFreedChain() {
    // L = sum((2 (x + x)) permuted) + sum(x * x): dL/dx = 4 + 2x.
    let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3], requiresGrad: true)
    let loss = ((x + x) * 2).permuted([1, 0]).sum() + (x * x).sum()
    loss.backward()
    #expect(x.grad?.toArray() == [6, 8, 10, 12, 14, 16])
  }
}
