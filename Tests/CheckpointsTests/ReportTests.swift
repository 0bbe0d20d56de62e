import Checkpoints
import Foundation
import TestSupport
import Testing

@Suite("Inspect reports")
struct ReportTests {
  @Test("the text report names format, nesting, each key with dtype and shape, and the count")
  func textReport() throws {
    let url = Fixtures.url("checkpoints/erm_epoch_1_checkpoints.pth.tar")
    let text = try CheckpointInspector.report(for: url)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.contains("format: pth-zip"))
    #expect(lines.contains("nesting: model_state_dict (state dict under 'model_state_dict')"))
    #expect(lines.contains("epoch: 1"))
    // conv 4x3x3x3 = 108, bn 4+4+4+4, linear 3x16+3: 108 + 16 + 51 = 175.
    #expect(lines.contains("tensors: 8, parameters: 175"))
    #expect(lines.contains { $0.hasPrefix("  0.weight") && $0.hasSuffix("float32 [4, 3, 3, 3]") })
    #expect(lines.contains { $0.hasPrefix("  1.num_batches_tracked") && $0.hasSuffix("int64 []") })
    #expect(lines.contains { $0.hasPrefix("optimizer: 5 parameter states, step 2") })
  }

  @Test("the JSON report is valid JSON with every tensor") func jsonReport() throws {
    let url = Fixtures.url("checkpoints/dtypes.safetensors")
    let text = try CheckpointInspector.jsonReport(for: url)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["format"] as? String == "safetensors")
    #expect(object["nesting"] as? String == "bare")
    let tensors = try #require(object["tensors"] as? [[String: Any]])
    #expect(tensors.count == 10)
    let f16 = try #require(tensors.first { $0["name"] as? String == "f16" })
    #expect(f16["dtype"] as? String == "float16")
    #expect(f16["shape"] as? [Int] == [3, 2])
    #expect((object["metadata"] as? [String: String])?["architecture"] == "tiny")
  }
}
