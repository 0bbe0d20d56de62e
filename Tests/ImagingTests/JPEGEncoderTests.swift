import Foundation
import TestSupport
import Testing

@testable import Imaging

/// The encoder: its files decode (with our decoder here; with Pillow in the fixture
/// script) close to the source image at every subsampling.
@Suite("JPEGEncoder")
struct JPEGEncoderTests {
  /// The samples committed under Tests/Fixtures/jpeg/encoder (via `--check-encoder`).
  /// Names ending in `_scans.jpg` use one non-interleaved scan per component; the
  /// factors are Y, Cb, Cr (h, v).
  static let samples: [(name: String, width: Int, height: Int, quality: Int, [(Int, Int)])] =
    [
      ("ours_420_q80_35x19_scans.jpg", 35, 19, 80, [(2, 2), (1, 1), (1, 1)]),
      ("ours_420_q75_37x23.jpg", 37, 23, 75, [(2, 2), (1, 1), (1, 1)]),
      ("ours_444_q90_24x17.jpg", 24, 17, 90, [(1, 1), (1, 1), (1, 1)]),
      ("ours_440_q80_29x21.jpg", 29, 21, 80, [(1, 2), (1, 1), (1, 1)]),
      ("ours_411_q85_41x19.jpg", 41, 19, 85, [(4, 1), (1, 1), (1, 1)]),
      ("ours_422_q85_30x18.jpg", 30, 18, 85, [(2, 1), (1, 1), (1, 1)]),
      // Mixed per component: Cb at 2:1 horizontally (h2v1 fancy), Cr at 2:1 both ways.
      ("ours_mixed_q85_27x22.jpg", 27, 22, 85, [(2, 2), (1, 2), (1, 1)]),
      // Chroma sampled finer than luma: luma is the upsampled component (h2v1 fancy).
      ("ours_lumalow_q85_26x20.jpg", 26, 20, 85, [(1, 1), (2, 1), (2, 1)]),
      // 4x4 luma against 1x1 chroma (4:1:0-like, replicated 4 times each way).
      ("ours_410_q85_45x37_scans.jpg", 45, 37, 85, [(4, 4), (1, 1), (1, 1)]),
    ]

  @Test(
    "round trip through our decoder keeps PSNR above 30 dB at 4:4:4",
    arguments: ChromaSubsampling.allCases)
  func roundTrip(subsampling: ChromaSubsampling) throws {
    for (width, height) in [(1, 1), (8, 8), (17, 13), (64, 48)] {
      let image = JPEGFixtures.testCard(width: width, height: height)
      let bytes = JPEGEncoder.encode(image, quality: 90, subsampling: subsampling)
      let decoded = try JPEGDecoder.decode(bytes)
      #expect(decoded.width == width && decoded.height == height)
      let psnr = JPEGFixtures.psnr(decoded.pixels, image.pixels)
      // The card's saturated disc has hard chroma edges that any subsampling blurs:
      // Pillow itself reaches only 26.6-27.7 dB at 4:2:0 q90 on it (35 dB at 4:4:4).
      let floor = subsampling == .none444 ? 30.0 : 18.0
      #expect(psnr > floor, "\(subsampling.rawValue) \(width)x\(height): \(psnr) dB")
    }
  }

  @Test("higher quality gives larger files and smaller errors")
  func qualityOrdering() throws {
    let image = JPEGFixtures.testCard(width: 48, height: 40)
    var lastSize = 0
    var lastPSNR = 0.0
    for quality in [30, 60, 90, 100] {
      let bytes = JPEGEncoder.encode(image, quality: quality, subsampling: .none444)
      let psnr = JPEGFixtures.psnr(try JPEGDecoder.decode(bytes).pixels, image.pixels)
      #expect(bytes.count > lastSize && psnr > lastPSNR, "quality \(quality)")
      lastSize = bytes.count
      lastPSNR = psnr
    }
  }

  @Test("quality scales the Annex K tables as libjpeg does")
  func qualityScaling() throws {
    // libjpeg at quality 75 (scale 50) turns the luminance DC quantiser 16 into 8,
    // at 50 keeps 16, at 100 gives 1: read it back from the DQT segment.
    for (quality, expected) in [(75, 8), (50, 16), (100, 1), (10, 80)] {
      let bytes = JPEGEncoder.encode(
        JPEGFixtures.testCard(width: 8, height: 8), quality: quality, subsampling: .none444)
      let dqt = try #require(bytes.indices.first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDB })
      #expect(Int(bytes[dqt + 5]) == expected, "quality \(quality)")
    }
  }

  /// Writes the committed encoder samples (JPEG + source PPM) into the folder named by
  /// SPURIOUS_JPEG_ENCODER_SAMPLES, for `make_jpeg_fixtures.py --check-encoder`. Does
  /// nothing without that variable.
  @Test("writes encoder samples when asked")
  func writeSamples() throws {
    guard let folder = ProcessInfo.processInfo.environment["SPURIOUS_JPEG_ENCODER_SAMPLES"]
    else { return }
    let directory = URL(fileURLWithPath: folder)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, width, height, quality, samplings) in Self.samples {
      let image = JPEGFixtures.testCard(width: width, height: height)
      let jpeg = JPEGEncoder.encode(
        image, quality: quality, samplings: samplings.map { (horizontal: $0.0, vertical: $0.1) },
        separateScans: name.hasSuffix("_scans.jpg"))
      try Data(jpeg).write(to: directory.appendingPathComponent(name))
      let ppmName = String(name.dropLast(4)) + ".ppm"
      try Data(PPM.write(image)).write(to: directory.appendingPathComponent(ppmName))
    }
  }
}
