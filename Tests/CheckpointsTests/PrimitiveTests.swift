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
