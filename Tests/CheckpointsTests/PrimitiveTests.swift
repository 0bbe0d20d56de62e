import Checkpoints
import Foundation
import TestSupport
import Testing

@Suite("CRC-32 and half-precision conversion")
struct PrimitiveTests {
  @Test("CRC-32 of the standard check string is CBF43926") func crcCheckValue() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([UInt8]()) == 0)
  }

  @Test("slicing-by-8 CRC agrees with the byte-at-a-time reference on ragged lengths")
  func crcMatchesReference() {
    var state: UInt64 = 0x1234_5678
    let bytes = (0..<1037).map { _ -> UInt8 in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 56)
    }
    bytes.withUnsafeBytes { raw in
      for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 1037] {
        let slice = UnsafeRawBufferPointer(rebasing: raw[0..<length])
        #expect(CRC32.checksum(slice) == CRC32.checksumReference(slice), "length \(length)")
      }
      // Continuing from a previous value equals one pass over the whole.
      let first = UnsafeRawBufferPointer(rebasing: raw[0..<301])
      let rest = UnsafeRawBufferPointer(rebasing: raw[301...])
      #expect(CRC32.checksum(rest, previous: CRC32.checksum(first)) == CRC32.checksum(raw))
    }
  }

  #if arch(x86_64) || arch(arm64)
    @Test("every float16 bit pattern widens exactly as Swift's Float16 does")
    func everyHalf() throws {
      // A safetensors file holding all 65536 half-precision bit patterns.
      let header = #"{"h":{"dtype":"F16","shape":[65536],"data_offsets":[0,131072]}}"#
      var bytes = Array(Crafted.safetensors(header: header, dataLength: 0))
      for bits in 0...UInt16.max { bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
      let values = try #require(Checkpoint.decode(Data(bytes), name: "h")["h"]?.floats)
      var mismatches = 0
      for bits in 0...UInt16.max {
        let expected = Float(Float16(bitPattern: bits))
        let found = values[Int(bits)]
        let same =
          expected.isNaN
          ? found.isNaN && (found.bitPattern & 0x803F_E000) == (expected.bitPattern & 0x803F_E000)
          : found.bitPattern == expected.bitPattern
        if !same { mismatches += 1 }
      }
      #expect(mismatches == 0)
    }
  #endif

  @Test("bfloat16 is the top half of a float32") func bfloat16() throws {
    let header = #"{"b":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}}"#
    // 1.0 = 0x3F80, -2.0 = 0xC000, smallest subnormal 0x0001.
    let bytes =
      Array(Crafted.safetensors(header: header, dataLength: 0)) + [
        0x80, 0x3F, 0x00, 0xC0, 0x01, 0x00,
      ]
    let values = try #require(Checkpoint.decode(Data(bytes), name: "b")["b"]?.floats)
    #expect(values.map(\.bitPattern) == [0x3F80_0000, 0xC000_0000, 0x0001_0000])
  }
}
