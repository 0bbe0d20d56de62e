import Checkpoints
import Foundation
import TestSupport
import Testing

@Suite("Writing checkpoints and reading them back")
struct RoundTripTests {
  static let erm = Fixtures.url("checkpoints/erm_epoch_1_checkpoints.pth.tar")

  @Test("safetensors keeps tensors, order, epoch, loss and Adam state; rewriting is byte-exact")
  func safetensorsRoundTrip() throws {
    let original = try Checkpoint.load(contentsOf: Self.erm)
    let folder = Fixtures.temporaryDirectory("safetensors")
    let first = folder.appendingPathComponent("epoch_1.safetensors")
    try SafetensorsWriter.write(original, to: first)

    let reread = try Checkpoint.load(contentsOf: first)
    #expect(reread.format == .safetensors)
    #expect(reread.nesting == .modelStateDict)
    #expect(reread.tensors == original.tensors)
    #expect(reread.epoch == original.epoch)
    #expect(reread.loss == original.loss)
    #expect(reread.optimizer == original.optimizer)
    #expect(reread.metadata["format"] == "pt")

    let second = folder.appendingPathComponent("again.safetensors")
    try SafetensorsWriter.write(reread, to: second)
    #expect(try Data(contentsOf: first) == Data(contentsOf: second))
  }

  @Test("the reference's .pth.tar layout round-trips through the zip writer")
  func pthRoundTrip() throws {
    let original = try Checkpoint.load(contentsOf: Self.erm)
    let output = Fixtures.temporaryDirectory("pth").appendingPathComponent("epoch_1.pth.tar")
    try PthWriter.write(original, to: output)

    let reread = try Checkpoint.load(contentsOf: output)
    #expect(reread.format == .zipPth)
    #expect(reread.nesting == .modelStateDict)
    #expect(reread.tensors == original.tensors)
    #expect(reread.epoch == 1)
    #expect(reread.loss == original.loss)
    #expect(reread.optimizer == original.optimizer)
    #expect(
      reread.root?.entries?.map(\.key) == [
        .string("epoch"), .string("model_state_dict"), .string("optimizer_state_dict"),
        .string("loss"),
      ])
  }

  @Test("forced ZIP64 records are written and read") func zip64RoundTrip() throws {
    let original = try Checkpoint.load(contentsOf: Fixtures.url("checkpoints/zip_dtypes.pth"))
    let output = Fixtures.temporaryDirectory("zip64").appendingPathComponent("dtypes.pth")
    try PthWriter.write(original, to: output, forceZip64: true)
    let bytes = try Data(contentsOf: output)
    // The ZIP64 end of central directory record's signature is present.
    #expect(bytes.range(of: Data([0x50, 0x4B, 0x06, 0x06])) != nil)
    let reread = try Checkpoint.load(contentsOf: output)
    #expect(reread.tensors.map(\.name) == original.tensors.map(\.name))
    for (a, b) in zip(reread.tensors, original.tensors) {
      #expect(a.tensor.values == b.tensor.values, "\(a.name)")
      #expect(a.tensor.shape == b.tensor.shape, "\(a.name)")
    }
  }

  @Test("converting .pth to safetensors and back restores the layout")
  func convertBothWays() throws {
    let folder = Fixtures.temporaryDirectory("convert")
    let safetensors = folder.appendingPathComponent("erm.safetensors")
    let back = folder.appendingPathComponent("erm.pth.tar")
    try CheckpointConverter.convert(from: Self.erm, to: safetensors)
    try CheckpointConverter.convert(from: safetensors, to: back)
    let original = try Checkpoint.load(contentsOf: Self.erm)
    let final = try Checkpoint.load(contentsOf: back)
    #expect(final.nesting == .modelStateDict)
    #expect(final.tensors == original.tensors)
    #expect(final.epoch == original.epoch && final.loss == original.loss)
    #expect(final.optimizer == original.optimizer)
    #expect(
      checkpointError {
        try CheckpointConverter.convert(from: Self.erm, to: folder.appendingPathComponent("x.bin"))
      }
        == .unsupported(
          file: "x.bin", offset: 0,
          feature: "output extension (use .safetensors, .pth, .pth.tar or .pt)"))
  }

  @Test("a .pth written back from its pickled object keeps every key and integer dtype")
  func pthRootRoundTrip() throws {
    let source = Fixtures.url("checkpoints/state_dict_nested.pth")
    let output = Fixtures.temporaryDirectory("root").appendingPathComponent("copy.pth")
    try CheckpointConverter.convert(from: source, to: output)
    let original = try Checkpoint.load(contentsOf: source)
    let copy = try Checkpoint.load(contentsOf: output)
    #expect(copy.root == original.root)
    #expect(
      copy["2.num_batches_tracked"]?.dtype == .int64
        || copy["1.num_batches_tracked"]?.dtype == .int64)
  }

  @Test("integer and bool tensors keep their dtype through safetensors")
  func integerDTypes() throws {
    let tensors = [
      NamedTensor("mask", StoredTensor(shape: [2, 2], integers: [1, 0, 0, 1], dtype: .bool)),
      NamedTensor("bytes", StoredTensor(shape: [3], integers: [0, 128, 255], dtype: .uint8)),
      NamedTensor("ints", StoredTensor(shape: [2], integers: [-7, 1 << 40])),
      NamedTensor("half", StoredTensor(shape: [1], integers: [-3], dtype: .int32)),
    ]
    let url = Fixtures.temporaryDirectory("ints").appendingPathComponent("ints.safetensors")
    try SafetensorsWriter.write(tensors: tensors, metadata: ["architecture": "none"], to: url)
    let reread = try Checkpoint.load(contentsOf: url)
    #expect(reread.tensors == tensors)
    #expect(reread.metadata == ["architecture": "none"])
  }

  @Test("writes are atomic: no temporary file is left, a missing folder is an error")
  func atomicWrites() throws {
    let folder = Fixtures.temporaryDirectory("atomic")
    let url = folder.appendingPathComponent("a.safetensors")
    let tensors = [NamedTensor("w", StoredTensor(shape: [2], floats: [1, 2]))]
    try SafetensorsWriter.write(tensors: tensors, to: url)
    try SafetensorsWriter.write(tensors: tensors, to: url)  // replaces
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.safetensors"])
    let missing = folder.appendingPathComponent("no/such/folder/b.safetensors")
    let error = checkpointError { try SafetensorsWriter.write(tensors: tensors, to: missing) }
    guard case .io(let file, _) = error else {
      Issue.record("expected an io error, got \(String(describing: error))")
      return
    }
    #expect(file == missing.path)
  }
}
