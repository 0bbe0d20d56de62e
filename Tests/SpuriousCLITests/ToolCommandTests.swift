import Foundation
import Imaging
import TestSupport
import Testing

/// `spurious checkpoint`, `bench` and `report` end to end.
@Suite("spurious checkpoint, bench and report") struct ToolCommandTests {
  /// A safetensors file written byte by byte from the format's definition: an 8-byte
  /// little-endian header length, the JSON header, then the raw little-endian data.
  static func safetensors(_ tensors: [(name: String, shape: [Int], values: [Float])])
    -> [UInt8]
  {
    var entries: [String] = []
    var data: [UInt8] = []
    for tensor in tensors {
      let start = data.count
      for value in tensor.values {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 }
      }
      entries.append(
        "\"\(tensor.name)\":{\"dtype\":\"F32\",\"shape\":\(tensor.shape),"
          + "\"data_offsets\":[\(start),\(data.count)]}")
    }
    var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
    return bytes + header + data
  }

  @Test("checkpoint inspect lists the tensors; convert to .pth and back keeps them")
  func checkpointRoundTrip() throws {
    let folder = CLIWorkspace.folder("checkpoint")
    let original = folder.appendingPathComponent("tiny.safetensors")
    try CLIWorkspace.write(
      Self.safetensors([
        ("fc.weight", [2, 3], [1, -2, 3.5, 0.25, 0, -1e-3]), ("fc.bias", [2], [0.5, -0.5]),
      ]), to: original)

    let text = try CommandRunner.run(["checkpoint", "inspect", original.path])
    #expect(text.status == 0, "\(text)")
    #expect(text.standardOutput.hasPrefix("file: tiny.safetensors\nformat: safetensors\n"))
    #expect(text.standardOutput.contains("parameters: 8"))

    let pth = folder.appendingPathComponent("tiny.pth")
    let back = folder.appendingPathComponent("back.safetensors")
    #expect(
      try CommandRunner.run(["checkpoint", "convert", original.path, pth.path])
        == .init(
          status: 0, standardOutput: "converted \(original.path) to \(pth.path)\n",
          standardError: ""))
    #expect(try CommandRunner.run(["checkpoint", "convert", pth.path, back.path]).status == 0)

    func tensors(_ url: URL) throws -> [[String: AnyHashable]] {
      let outcome = try CommandRunner.run(["checkpoint", "inspect", "--json", url.path])
      let report = try #require(try CLIWorkspace.jsonLines(outcome.standardOutput).first)
      let list = try #require(report["tensors"] as? [[String: Any]])
      return list.map { $0.compactMapValues { $0 as? AnyHashable } }
    }
    let expected = try tensors(original)
    #expect(expected.map { $0["name"] } == ["fc.weight", "fc.bias"])
    #expect(try tensors(pth) == expected)
    #expect(try tensors(back) == expected)
    // The data survives too: the safetensors written back holds the same bytes.
    let bytes = try CLIWorkspace.read(back)
    #expect(Array(bytes.suffix(32)) == Array(try CLIWorkspace.read(original).suffix(32)))
  }

  @Test("checkpoint errors: a missing file and an unknown output extension")
  func checkpointErrors() throws {
    let folder = CLIWorkspace.folder("checkpoint")
    let missing = folder.appendingPathComponent("none.pth").path
    #expect(
      try CommandRunner.run(["checkpoint", "inspect", missing])
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: \(missing): cannot open: No such file or directory\n"))

    let input = folder.appendingPathComponent("tiny.safetensors")
    try CLIWorkspace.write(Self.safetensors([("w", [1], [2])]), to: input)
    let outcome = try CommandRunner.run(
      ["checkpoint", "convert", input.path, folder.appendingPathComponent("x.bin").path])
    #expect(
      outcome
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: x.bin: byte 0: unsupported: output extension (use "
            + ".safetensors, .pth, .pth.tar or .pt)\n"))
  }

  @Test("bench gemm --json prints one parseable JSON object per shape")
  func benchGEMM() throws {
    let outcome = try CommandRunner.run(
      "bench gemm --shape 16x8x4 --shape 9x7x5 --repeats 1 --threads 1 --json")
    #expect(outcome.status == 0, "\(outcome)")
    let lines = try CLIWorkspace.jsonLines(outcome.standardOutput)
    #expect(lines.count == 2)
    #expect(lines.map { $0["m"] as? Int } == [16, 9])
    #expect(lines.map { $0["k"] as? Int } == [4, 5])
    #expect(lines.allSatisfy { $0["threads"] as? Int == 1 && $0["median_gflops"] is Double })

    let bad = try CommandRunner.run("bench gemm --shape 4x4")
    #expect(
      bad
        == .init(
          status: 2, standardOutput: "",
          standardError: "error: --shape expects a shape MxNxK such as 256x256x64, got '4x4'\n"
            + "Run 'spurious bench gemm --help' for usage.\n"))
  }

  @Test("bench conv --layers all --passes forward times every ResNet50 layer once")
  func benchConvAllLayers() throws {
    let outcome = try CommandRunner.run(
      "bench conv --layers all --passes forward --batch 1 --repeats 1 --threads 1 --json")
    #expect(outcome.status == 0, "\(outcome)")
    let lines = try CLIWorkspace.jsonLines(outcome.standardOutput)
    // The stem, then per stage the distinct 1x1/3x3 shapes (torchvision's ResNet50 has
    // 53 convolutions, 23 distinct at a given batch).
    #expect(lines.count == 23)
    #expect(lines.allSatisfy { $0["kernel"] as? String == "conv2d.forward" })
    #expect(lines.first?["label"] as? String == "stem.7x7s2")
    #expect(lines.last?["label"] as? String == "3x3.512-512.7")
    let bad = try CommandRunner.run("bench conv --passes sideways")
    #expect(bad.status == 2 && bad.standardError.contains("'sideways'"), "\(bad)")
  }

  @Test("bench conv --passes inference --only times the named layers through packed weights")
  func benchConvInferenceOnly() throws {
    let outcome = try CommandRunner.run(
      "bench conv --layers all --passes inference --only 3x3.512-512.7,stem.7x7s2 --batch 1 "
        + "--repeats 1 --threads 1 --json")
    #expect(outcome.status == 0, "\(outcome)")
    let lines = try CLIWorkspace.jsonLines(outcome.standardOutput)
    #expect(lines.map { $0["label"] as? String } == ["stem.7x7s2", "3x3.512-512.7"])
    #expect(lines.allSatisfy { $0["kernel"] as? String == "conv2d.inference" })
    let unknown = try CommandRunner.run("bench conv --only 3x3.9-9.9")
    #expect(unknown.status == 2, "\(unknown)")
    #expect(unknown.standardError.contains("no layer labelled 3x3.9-9.9 in the typical set"))
  }

  @Test("bench jpeg and bench model --json print parseable measurements")
  func benchJPEGAndModel() throws {
    let folder = CLIWorkspace.folder("bench")
    let jpeg = folder.appendingPathComponent("card.jpg")
    try CLIWorkspace.write(
      JPEGEncoder.encode(CLIWorkspace.pattern(width: 48, height: 40)), to: jpeg)
    let decoding = try CommandRunner.run(
      ["bench", "jpeg", "--json", "--repeats", "1", "--threads", "2", jpeg.path, jpeg.path])
    #expect(decoding.status == 0, "\(decoding)")
    let lines = try CLIWorkspace.jsonLines(decoding.standardOutput)
    #expect(lines.map { $0["threads"] as? Int } == [1, 2])
    #expect(lines.allSatisfy { $0["images"] as? Int == 2 && $0["images_per_second"] is Double })

    let ppm = folder.appendingPathComponent("card.ppm")
    try CLIWorkspace.write(PPM.write(CLIWorkspace.pattern(width: 4, height: 4)), to: ppm)
    let notJPEG = try CommandRunner.run(["bench", "jpeg", ppm.path])
    #expect(notJPEG.status == 1)
    #expect(
      notJPEG.standardError.hasPrefix("error: '\(ppm.path)' is not a usable JPEG: "),
      "\(notJPEG)")

    let model = try CommandRunner.run(
      "bench model --arch resnet_mini --batch 2 --resolution 32 --repeats 1 --threads 1 --json")
    #expect(model.status == 0, "\(model)")
    let result = try #require(try CLIWorkspace.jsonLines(model.standardOutput).first)
    #expect(result["arch"] as? String == "resnet_mini")
    #expect(result["mode"] as? String == "infer")
    #expect(result["batch"] as? Int == 2)
    #expect((result["peak_rss_mib"] as? Double ?? 0) > 0)
  }

  /// A reference-format study file (REFERENCE.md 5.1) with a baseline and two runs.
  static let studyText = """
    0.90000000, 0.50000000, 0.60000000, 0.80000000
    modified neurons name, index and value
    layer4.2.conv3, 7, 1.25
    , 0.80000000, 0.40000000, 0.60000000, 0.70000000
    , 0.70000000, 0.30000000, 0.40000000, 0.70000000

    """

  @Test("report reads a reference study file: json rows, csv, and the drop figure")
  func report() throws {
    let folder = CLIWorkspace.folder("report")
    let study = folder.appendingPathComponent("zero_global_top1_largest_neuron.txt")
    try Data(Self.studyText.utf8).write(to: study)

    let json = try CommandRunner.run(["report", "--format", "json", folder.path])
    #expect(json.status == 0, "\(json)")
    let parsed = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8))
    let summaries = try #require(parsed as? [[String: Any]])
    #expect(summaries.count == 1)

    let csv = try CommandRunner.run(["report", "--format", "csv", study.path])
    #expect(csv.status == 0, "\(csv)")
    #expect(csv.standardOutput.split(separator: "\n").count >= 5, "\(csv)")
    // Group 1: baseline 0.5, runs 0.4 and 0.3, so the mean is 0.35.
    #expect(csv.standardOutput.contains("0.35"), "\(csv)")

    let figure = folder.appendingPathComponent("drop.svg")
    let drawn = try CommandRunner.run(["report", study.path, "--figure", figure.path])
    #expect(drawn.status == 0, "\(drawn)")
    #expect(drawn.standardOutput.contains("|"))
    let svg = try String(contentsOf: figure, encoding: .utf8)
    #expect(svg.contains("<svg"))
  }

  @Test("report errors: unknown format (usage, 2) and a missing path (1)")
  func reportErrors() throws {
    #expect(
      try CommandRunner.run("report x --format xml")
        == .init(
          status: 2, standardOutput: "",
          standardError: "error: 'xml' is not a format; choose one of markdown, csv, json\n"
            + "Run 'spurious report --help' for usage.\n"))
    #expect(
      try CommandRunner.run("report /nonexistent/study.json")
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: /nonexistent/study.json: the report input does not exist\n"))
  }
}
