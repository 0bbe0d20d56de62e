import Foundation
import Tensor
import TestSupport
import Testing

@Suite("Deep graphs")
struct DeepGraphTests {
  /// A chain of `depth` recorded ops on a small tensor.
  static func chain(depth: Int) -> (Tensor, Tensor) {
    let x = Tensor([1, 2, 3], shape: [3], requiresGrad: true)
    var y = x
    for _ in 0..<depth { y = y * 1.0001 + 0.0001 }
    return (x, y.sum())
  }

  @Test("a 100k-op chain runs backward and is freed without recursion")
  func deepChain() {
    let (x, loss) = DeepGraphTests.chain(depth: 50_000)
    loss.backward()
    // d/dx of 50k steps of multiplying by 1.0001: 1.0001^50000 = e^(50000 ln 1.0001).
    let expected = Float(Foundation.exp(50_000 * Foundation.log(1.0001)))
    #expect(x.grad!.toArray().allSatisfy { Swift.abs($0 - expected) <= 1e-3 * expected })
    // Dropped without a backward pass: freeing must not recurse once per op.
    _ = DeepGraphTests.chain(depth: 50_000)
  }
}
