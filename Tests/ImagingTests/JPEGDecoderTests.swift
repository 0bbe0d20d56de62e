import Foundation
import Imaging
import TestSupport
import Testing

/// The decoder against Pillow (libjpeg-turbo) on the project's own fixtures, and its
/// behaviour on damaged and unsupported input.
@Suite("JPEGDecoder")
struct JPEGDecoderTests {
  @Test("decodes every Pillow-made fixture to Pillow's pixels exactly")
  func pillowFixtures() throws {
    let index = try JPEGFixtures.index()
    #expect(index.count >= 19)
    for (name, width, height) in index {
      let image = try JPEGDecoder.decode(try JPEGFixtures.bytes(name))
      #expect(image.width == width && image.height == height, "\(name)")
      let reference = try JPEGFixtures.bytes(name + ".rgb")
      #expect(JPEGFixtures.maxDifference(image.pixels, reference) == 0, "\(name)")
    }
  }

  @Test("decodes our encoder's files (all samplings, separate scans) to Pillow's pixels")
  func encoderFixtures() throws {
    let index = try JPEGFixtures.index("encoder")
    #expect(index.count >= 4)
    for (name, width, height) in index {
      let image = try JPEGDecoder.decode(try JPEGFixtures.bytes("encoder/" + name))
      #expect(image.width == width && image.height == height, "\(name)")
      let reference = try JPEGFixtures.bytes("encoder/" + name + ".rgb")
      #expect(JPEGFixtures.maxDifference(image.pixels, reference) == 0, "\(name)")
    }
  }

  @Test("every truncation of a file throws a JPEGError or decodes; none crashes")
  func truncations() throws {
    for name in ["q75_420.jpg", "progressive_420.jpg", "restart_progressive.jpg"] {
      let bytes = try JPEGFixtures.bytes(name)
      var rejected = 0
      for length in 0..<bytes.count {
        do {
          _ = try JPEGDecoder.decode(Array(bytes.prefix(length)))
        } catch is JPEGError {
          rejected += 1
        }
      }
      // Only a file cut inside the final EOI marker can be missing bytes and still end
      // in a marker; everything shorter lacks EOI and is rejected as truncated.
      #expect(rejected >= bytes.count - 1, "\(name): \(rejected) of \(bytes.count) rejected")
    }
  }

  @Test("a file cut inside its entropy-coded data reports truncation with an offset")
  func truncatedScan() throws {
    let bytes = try JPEGFixtures.bytes("q75_420.jpg")
    let cut = Array(bytes.prefix(bytes.count - 40))
    #expect {
      try JPEGDecoder.decode(cut)
    } throws: { error in
      guard case .truncated(_, let offset, _) = error as? JPEGError else { return false }
      return offset == cut.count
    }
  }

  @Test("corrupted bytes never crash or hang the decoder")
  func corruptions() throws {
    var generator = SplitMix64(seed: 5)
    for name in ["q75_420.jpg", "progressive_420.jpg", "restart_420.jpg", "gray_17x13.jpg"] {
      let original = try JPEGFixtures.bytes(name)
      for _ in 0..<150 {
        var bytes = original
        for _ in 0..<3 {
          let i = Int(generator.next() % UInt64(bytes.count))
          bytes[i] = UInt8(truncatingIfNeeded: generator.next())
        }
        _ = try? JPEGDecoder.decode(bytes)
      }
    }
  }

  @Test("non-JPEG bytes are rejected as such")
  func notJPEG() {
    #expect(throws: JPEGError.notJPEG(found: [0x89, 0x50, 0x4E, 0x47])) {
      try JPEGDecoder.decode([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A])
    }
    #expect(throws: JPEGError.notJPEG(found: [])) { try JPEGDecoder.decode([]) }
  }

  /// SOI and a frame header with the given marker, precision, size and components.
  static func header(
    sof: UInt8 = 0xC0, precision: UInt8 = 8, width: Int, height: Int, components: UInt8 = 3
  ) -> [UInt8] {
    var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, sof, 0, UInt8(8 + 3 * Int(components)), precision]
    bytes += [UInt8(height >> 8), UInt8(height & 255), UInt8(width >> 8), UInt8(width & 255)]
    bytes.append(components)
    for id in 1...components { bytes += [id, 0x11, 0] }
    return bytes
  }

  @Test("arithmetic, lossless, 12-bit and CMYK frames throw .unsupported")
  func unsupportedProcesses() {
    let cases: [[UInt8]] = [
      Self.header(sof: 0xC9, width: 8, height: 8),
      Self.header(sof: 0xC3, width: 8, height: 8),
      Self.header(precision: 12, width: 8, height: 8),
      Self.header(width: 8, height: 8, components: 4),
      Self.header(width: 8, height: 0),
    ]
    for bytes in cases {
      #expect {
        try JPEGDecoder.decode(bytes + [UInt8](repeating: 0, count: 64))
      } throws: { error in
        (error as? JPEGError)?.isUnsupported == true
      }
    }
  }

  @Test("absurd frame sizes are refused before allocation")
  func absurdSizes() {
    // 65535 x 65535 with a few bytes of data: more blocks than bits in the file.
    let huge = Self.header(width: 65535, height: 65535) + [UInt8](repeating: 0, count: 100)
    #expect {
      try JPEGDecoder.decode(huge)
    } throws: { error in
      if case .tooLarge(65535, 65535, _) = error as? JPEGError { return true }
      return false
    }
    // Over the pixel limit given by the caller.
    #expect {
      try JPEGDecoder.decode(
        Self.header(width: 100, height: 100) + [UInt8](repeating: 0, count: 4000),
        maximumPixels: 9999)
    } throws: { error in
      if case .tooLarge(100, 100, _) = error as? JPEGError { return true }
      return false
    }
  }

  @Test("a file with more than 500 scans is refused instead of taking quadratic time")
  func scanLimit() {
    // Progressive 8x8 gray: DQT, SOF2, DHT (one DC code), then 501 DC scans of 1 byte.
    var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDB, 0, 67, 0] + [UInt8](repeating: 1, count: 64)
    bytes += [0xFF, 0xC2, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0]
    bytes += [0xFF, 0xC4, 0, 20, 0x00, 1] + [UInt8](repeating: 0, count: 15) + [0]
    for _ in 0...500 { bytes += [0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 0, 0x00, 0x00] }
    bytes += [0xFF, 0xD9]
    #expect {
      try JPEGDecoder.decode(bytes)
    } throws: { error in
      if case .corrupt("SOS", _, "more than 500 scans") = error as? JPEGError { return true }
      return false
    }
    // The same file with 3 scans decodes (to mid-gray: every DC difference is 0).
    let header = bytes.prefix(2 + 69 + 13 + 22)
    let few = Array(header) + (0..<3).flatMap { _ in [0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0, 0, 0] }
    let image = try? JPEGDecoder.decode(few + [0xFF, 0xD9])
    #expect(image?.pixels == [UInt8](repeating: 128, count: 8 * 8 * 3))
  }

  @Test("error messages name the marker, the offset and the reason")
  func messages() {
    let error = JPEGError.corrupt(marker: "DHT", offset: 42, reason: "300 codes exceed 256")
    #expect(error.description == "corrupt JPEG: 300 codes exceed 256 (in DHT, byte offset 42)")
  }
}

/// A small deterministic generator for the corruption test (SplitMix64).
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
