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
