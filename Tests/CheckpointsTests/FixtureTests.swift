import Checkpoints
import Foundation
import TestSupport
import Testing

@Suite("Reading checkpoints written by PyTorch")
struct FixtureTests {
  static let fileNames = CheckpointManifest.entries.keys.sorted()

  @Test("the manifest lists the fixtures") func manifestIsPresent() {
    #expect(Self.fileNames.count >= 11)
  }

  @Test("every key, dtype, shape and checksum matches PyTorch", arguments: fileNames)
  func tensorsMatch(_ name: String) throws {
    let entry = try #require(CheckpointManifest.entries[name])
    let checkpoint = try Checkpoint.load(contentsOf: Fixtures.url("checkpoints/\(name)"))
    #expect(checkpoint.format.rawValue == formatName(entry["format"] as? String))
    #expect(checkpoint.nesting.rawValue == entry["nesting"] as? String)
    var expected = CheckpointManifest.tensors(entry["tensors"])
    if checkpoint.format == .safetensors {
      // Python's safetensors stores tensors sorted by dtype and name, not in dict order.
      let order = checkpoint.tensors.map(\.name)
      expected.sort { (order.firstIndex(of: $0.key) ?? -1) < (order.firstIndex(of: $1.key) ?? -1) }
    }
    #expect(checkpoint.tensors.map(\.name) == expected.map(\.key))
    for (named, record) in zip(checkpoint.tensors, expected) {
      #expect(named.tensor.dtype.rawValue == record.dtype, "\(named.name)")
      #expect(named.tensor.shape == record.shape, "\(named.name)")
      #expect(fixtureChecksum(named.tensor) == record.crc32, "\(named.name)")
    }
    if let metadata = entry["metadata"] as? [String: String] {
      #expect(checkpoint.metadata == metadata)
    }
  }

  @Test(
    "the ERM checkpoints carry epoch, loss and Adam state",
    arguments: [
      "erm_epoch_1_checkpoints.pth.tar", "ft_loss_tensor.pth.tar",
    ])
  func ermExtras(_ name: String) throws {
    let entry = try #require(CheckpointManifest.entries[name])
    let checkpoint = try Checkpoint.load(contentsOf: Fixtures.url("checkpoints/\(name)"))
    #expect(checkpoint.epoch == entry["epoch"] as? Int)
    let loss = try #require(entry["loss"] as? Double)
    // A tensor loss is float32; a Python float is exact.
    #expect(abs(try #require(checkpoint.loss) - loss) <= 1e-7 * max(1, abs(loss)))
    let optimizer = try #require(checkpoint.optimizer)
    let expected = CheckpointManifest.tensors(entry["optimizer"])
    var found: [(String, StoredTensor)] = []
    for state in optimizer.parameters {
      if let step = state.step {
        found.append(("\(state.index).step", StoredTensor(shape: [], floats: [Float(step)])))
        #expect(step == 2)
      }
      for named in state.tensors { found.append(("\(state.index).\(named.name)", named.tensor)) }
    }
    #expect(found.map(\.0) == expected.map(\.key))
    for ((key, tensor), record) in zip(found, expected) {
      #expect(tensor.shape == record.shape, "\(key)")
      #expect(fixtureChecksum(tensor) == record.crc32, "\(key)")
    }
    let groups = try #require(entry["param_groups"] as? [[String: Any]])
    #expect(optimizer.groups.count == groups.count)
    let group = try #require(optimizer.groups.first)
    #expect(group.learningRate == groups[0]["lr"] as? Double)
    #expect(group.epsilon == groups[0]["eps"] as? Double)
    #expect(group.weightDecay == groups[0]["weight_decay"] as? Double)
    #expect(group.betas?.0 == 0.9 && group.betas?.1 == 0.999)
    #expect(group.parameterIndices == groups[0]["params"] as? [Int])
    #expect(optimizer.parameters.first?.expAvg?.shape == checkpoint.tensors.first?.tensor.shape)
  }

  @Test("DataParallel's module. prefix is removed") func modulePrefix() throws {
    let checkpoint = try Checkpoint.load(
      contentsOf: Fixtures.url("checkpoints/state_dict_nested.pth"))
    #expect(checkpoint.strippedModulePrefix)
    #expect(checkpoint.root?["arch"] == .string("tiny"))
    #expect(checkpoint["0.weight"] != nil)
  }

  @Test("views into a shared storage read their own elements") func views() throws {
    for name in ["zip_dtypes.pth", "legacy_dtypes.pth"] {
      let checkpoint = try Checkpoint.load(contentsOf: Fixtures.url("checkpoints/\(name)"))
      let base = try #require(checkpoint["base"]?.floats)  // [5, 6]
      let transposed = try #require(checkpoint["view_transposed"]?.floats)  // [6, 5]
      let stepped = try #require(checkpoint["view_stepped"]?.floats)  // base[1:, ::2]
      for row in 0..<5 {
        for column in 0..<6 { #expect(transposed[column * 5 + row] == base[row * 6 + column]) }
      }
      for row in 0..<4 {
        for column in 0..<3 {
          #expect(stepped[row * 3 + column] == base[(row + 1) * 6 + column * 2])
        }
      }
      #expect(checkpoint["mask"]?.integers == [1, 0, 0, 1])
      #expect(checkpoint["u8"]?.integers == [0, 128, 255])
      #expect(checkpoint["scalar"]?.shape == [] && checkpoint["scalar"]?.floats == [2.5])
    }
  }

  private func formatName(_ manifestFormat: String?) -> String {
    switch manifestFormat {
    case "zip": return "pth-zip"
    case "legacy": return "pth-legacy"
    default: return manifestFormat ?? ""
    }
  }
}
