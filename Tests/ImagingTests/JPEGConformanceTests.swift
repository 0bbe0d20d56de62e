import Foundation
import Imaging
import TestSupport
import Testing

/// Runs the decoder over the shared conformance files (libjpeg-turbo's and Pillow's test
/// images, ../shared/testdata/jpeg) and checks each file's expected outcome from
/// MANIFEST.tsv against reference pixels decoded by libjpeg-turbo.
@Suite("JPEG conformance (shared test data)")
struct JPEGConformanceTests {
  struct Row {
    var fields: [String: String]
    var name: String { fields["filename"] ?? "" }
    var expected: String { fields["expected"] ?? "" }
    func int(_ key: String) -> Int? { fields[key].flatMap { Int($0) } }
  }

  static func manifest() throws -> (URL, [Row])? {
    guard let root = Fixtures.sharedTestData?.appendingPathComponent("jpeg") else { return nil }
    let text = try String(contentsOf: root.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    let rows = lines.dropFirst().map { line in
      let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return Row(fields: Dictionary(uniqueKeysWithValues: zip(header, values)))
    }
    return (root, rows)
  }

  /// The largest per-channel difference between our decode and the reference window.
  static func maxDifference(_ image: RGBImage, reference: [UInt8], row: Row) -> Int? {
    guard let x0 = row.int("ref_x"), let y0 = row.int("ref_y"), let w = row.int("ref_w"),
      let h = row.int("ref_h"), reference.count == w * h * 3, x0 + w <= image.width,
      y0 + h <= image.height
    else { return nil }
    var worst = 0
    for y in 0..<h {
      for x in 0..<(w * 3) {
        let ours = Int(image.pixels[((y0 + y) * image.width + x0) * 3 + x])
        worst = max(worst, abs(ours - Int(reference[y * w * 3 + x])))
      }
    }
    return worst
  }

  @Test("every manifest row has its expected outcome; decodes match libjpeg-turbo")
  func manifestOutcomes() throws {
    guard let (root, rows) = try Self.manifest() else {
      print("JPEG conformance skipped: ../shared/testdata/jpeg not found")
      return
    }
    var report: [String] = []
    for row in rows {
      let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent(row.name)))
      let result = Result { try JPEGDecoder.decode(bytes) }
      switch row.expected {
      case "decode":
        let image = try #require(try? result.get(), "\(row.name): \(result)")
        #expect(image.width == row.int("width") && image.height == row.int("height"))
        let reference = try [UInt8](
          Data(contentsOf: root.appendingPathComponent(row.fields["ref_file"]!)))
        let difference = try #require(Self.maxDifference(image, reference: reference, row: row))
        report.append("\(row.name): max diff \(difference)")
        #expect(difference <= 2, "\(row.name): max difference \(difference)")
      case "decode_or_reject":
        switch result {
        case .success(let image):
          var note = "decoded"
          if row.fields["ref_format"] == "rgb8",
            let reference = try? [UInt8](
              Data(contentsOf: root.appendingPathComponent(row.fields["ref_file"]!))),
            let difference = Self.maxDifference(image, reference: reference, row: row)
          {
            note += ", max diff \(difference)"
          }
          report.append("\(row.name): \(note)")
        case .failure(let error):
          report.append("\(row.name): rejected (\(error))")
        }
      case "reject":
        #expect(throws: JPEGError.self, "\(row.name)") { try result.get() }
        report.append("\(row.name): \(result)")
      case "reject_unsupported":
        if case .failure(let error as JPEGError) = result {
          #expect(error.isUnsupported, "\(row.name): \(error)")
          report.append("\(row.name): \(error)")
        } else {
          Issue.record("\(row.name): expected an unsupported error, got \(result)")
        }
      default:
        Issue.record("\(row.name): unknown expectation \(row.expected)")
      }
    }
    print(report.joined(separator: "\n"))
  }
}
