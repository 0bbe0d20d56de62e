import Foundation
import Tensor
import TestSupport
import Testing

@Suite("Tensor basics")
struct TensorTests {
  @Test("values round-trip and reshape shares storage")
  func roundTrip() {
    let t = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    #expect(t.toArray() == [1, 2, 3, 4, 5, 6])
    let r = t.reshaped([3, -1])
    #expect(r.shape == [3, 2])
    r.withUnsafeMutableBufferPointer { $0[0] = 9 }
    #expect(t.toArray()[0] == 9)
    #expect(Tensor(scalar: 2.5).item == 2.5)
    #expect(Tensor.zeros([2, 2]).toArray() == [0, 0, 0, 0])
  }

  @Test("storage is 64-byte aligned")
  func alignment() {
    for n in [1, 3, 17, 1000] {
      let t = Tensor.zeros([n])
      let address = t.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress!) }
      #expect(address % 64 == 0)
    }
  }
}

@Suite("Vectorised math")
struct VectorMathTests {
  @Test("exp and gelu agree with Foundation's Double exp and erfc")
  func againstFoundation() {
    let xs = (0..<4001).map { Float($0) / 200 - 10 }
    let x = Tensor(xs, shape: [xs.count])
    let e = (x * 8).exp().toArray()
    let g = x.gelu().toArray()
    for (i, v) in xs.enumerated() {
      let exact = Foundation.exp(Double(v) * 8)
      if exact > 1e-37 && exact < 1e38 {
        #expect(abs(Double(e[i]) - exact) <= 3e-7 * exact, "exp(\(v * 8))")
      }
      let gelu = 0.5 * Double(v) * Foundation.erfc(-Double(v) / 2.0.squareRoot())
      // In the negative tail the Float rounding of the exponent -x^2/2 dominates (about
      // x^2 2^-24 relative); the values there are below 1e-5 in magnitude.
      let relative = Swift.abs(v) <= 3 ? 1.5e-6 : (Swift.abs(v) <= 5 ? 3e-6 : 5e-5)
      #expect(abs(Double(g[i]) - gelu) <= relative * abs(gelu) + 1e-37, "gelu(\(v))")
    }
  }
}
