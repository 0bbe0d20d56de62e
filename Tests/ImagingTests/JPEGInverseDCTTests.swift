import Testing

@testable import Imaging

@Suite("JPEGInverseDCT")
struct JPEGInverseDCTTests {
  /// Runs both versions on one block; returns (SIMD, reference) outputs.
  static func both(_ coefficients: [Int16], _ quantization: [Int32]) -> ([UInt8], [UInt8]) {
    // Output rows 11 bytes apart, to catch stride mistakes.
    var fast = [UInt8](repeating: 0, count: 8 * 11)
    var reference = fast
    var workspace = [Int32](repeating: 0, count: 64)
    fast.withUnsafeMutableBufferPointer { out in
      JPEGInverseDCT.transformBlock(coefficients, quantization, out.baseAddress!, stride: 11)
    }
    reference.withUnsafeMutableBufferPointer { out in
      JPEGInverseDCT.transformBlockReference(
        coefficients, quantization, out.baseAddress!, stride: 11,
        workspace: &workspace)
    }
    return (fast, reference)
  }

  @Test("the SIMD IDCT equals the scalar reference on random, sparse and extreme blocks")
  func simdMatchesReference() {
    var generator = SplitMix64(seed: 11)
    func random(_ bound: Int) -> Int { Int(generator.next() % UInt64(bound)) }
    for trial in 0..<3000 {
      var coefficients = [Int16](repeating: 0, count: 64)
      var quantization = (0..<64).map { _ in Int32(1 + random(trial % 3 == 0 ? 255 : 40)) }
      switch trial % 4 {
      case 0:  // dense, moderate
        for k in 0..<64 { coefficients[k] = Int16(random(401)) - 200 }
      case 1:  // a few coefficients, like a real block
        for _ in 0..<1 + random(6) { coefficients[random(64)] = Int16(random(101)) - 50 }
      case 2:  // DC only
        coefficients[0] = Int16(random(4001)) - 2000
      default:  // extreme values that wrap in the range limit
        for k in 0..<64 { coefficients[k] = Int16(truncatingIfNeeded: random(65536)) }
        quantization = (0..<64).map { _ in Int32(1 + random(255)) }
      }
      let (fast, reference) = Self.both(coefficients, quantization)
      #expect(fast == reference, "trial \(trial)")
      if fast != reference { return }
    }
  }

  @Test("a DC-only block gives the constant libjpeg computes")
  func dcOnly() {
    // DC 10 with quantiser 16: 160 << 2 = 640, (640 + 16) >> 5 = 20, + 128 = 148.
    var coefficients = [Int16](repeating: 0, count: 64)
    coefficients[0] = 10
    let (fast, _) = Self.both(coefficients, [Int32](repeating: 16, count: 64))
    for row in 0..<8 { #expect(fast[(row * 11)..<(row * 11 + 8)].allSatisfy { $0 == 148 }) }
  }
}
