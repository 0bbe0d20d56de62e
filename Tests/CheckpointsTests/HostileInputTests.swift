import Checkpoints
import Foundation
import TestSupport
import Testing

@Suite("Hostile and broken checkpoints fail with specific errors")
struct HostileInputTests {
  static let fixtureNames = [
    "zip_state_dict.pth", "legacy_state_dict.pth", "legacy_dtypes.pth", "zip64_state_dict.pth",
    "streamed_state_dict.pth", "dtypes.safetensors", "erm_epoch_1_checkpoints.pth.tar",
  ]

  static func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: Fixtures.url("checkpoints/\(name)"))
  }

  @Test("every truncation of every fixture is an error, never a crash", arguments: fixtureNames)
  func truncations(_ name: String) throws {
    let bytes = try Self.fixture(name)
    var failures = 0
    for length in 0..<bytes.count {
      if checkpointError({ _ = try Checkpoint.decode(bytes.prefix(length), name: name) }) != nil {
        failures += 1
      }
    }
    #expect(failures == bytes.count)
  }

  @Test("an empty file and foreign bytes are recognised as such") func foreignFiles() {
    #expect(
      checkpointError { _ = try Checkpoint.decode(Data(), name: "empty.pth") }
        == .truncated(file: "empty.pth", offset: 0, needed: 8, available: 0))
    let text = Data("hello, checkpoint world".utf8)
    #expect(
      checkpointError { _ = try Checkpoint.decode(text, name: "a.pth") }
        == .unknownFormat(file: "a.pth", found: "'hello, c'"))
  }

  @Test("a legacy file with a wrong magic number is refused") func wrongMagic() throws {
    var bytes = try Self.fixture("legacy_state_dict.pth")
    bytes[5] ^= 0xFF  // inside the LONG1 magic number
    #expect(
      checkpointError { _ = try Checkpoint.decode(bytes, name: "m.pth") }
        == .unknownFormat(file: "m.pth", found: "a pickle without the torch magic number"))
  }

  @Test(
    "pickles naming eval or system are refused, naming the global",
    arguments: [
      ("evil_eval.pth", "__builtin__.eval"), ("evil_os_system.pth", "posix.system"),
    ])
  func forbiddenFixtures(_ name: String, _ global: String) throws {
    let error = checkpointError {
      _ = try Checkpoint.load(contentsOf: Fixtures.url("checkpoints/\(name)"))
    }
    let entry = String(name.dropLast(4)) + "/data.pkl"
    #expect(
      error
        == .forbiddenGlobal(
          file: "\(name) (\(entry))", offset: 17, opcode: "GLOBAL", name: global))
    #expect(error?.description.contains("names '\(global)', which is not allowed") == true)
  }

  @Test("GLOBAL os.system and STACK_GLOBAL builtins.eval are refused") func forbiddenCrafted() {
    let system = Crafted.legacyFile(
      object: [0x80, 0x02] + Crafted.global("os", "system") + Crafted.tuple([Crafted.string("ls")])
        + [0x52, 0x2E])
    #expect(
      checkpointError { _ = try Checkpoint.decode(system, name: "s.pth") }
        == .forbiddenGlobal(file: "s.pth", offset: 27, opcode: "GLOBAL", name: "os.system"))
    let eval = Crafted.legacyFile(
      object: [0x80, 0x04, 0x8C, 8] + Array("builtins".utf8) + [0x8C, 4] + Array("eval".utf8)
        + [0x93, 0x2E])
    #expect(
      checkpointError { _ = try Checkpoint.decode(eval, name: "e.pth") }
        == .forbiddenGlobal(
          file: "e.pth", offset: 43, opcode: "STACK_GLOBAL", name: "builtins.eval"))
  }

  @Test("storage sizes and shapes that overflow or exceed the file are refused")
  func sizesAndShapes() {
    func load(_ tensor: [UInt8], storage: [Float] = [1, 2, 3, 4]) -> CheckpointError? {
      let file = Crafted.legacyFile(
        object: Crafted.pickle(dictWith: [("w", tensor)]), storages: [("0", storage)])
      return checkpointError { _ = try Checkpoint.decode(file, name: "t.pth") }
    }
    let hugeStorage = load(Crafted.tensor(key: "0", numel: Int.max / 2, shape: [4], strides: [1]))
    guard case .malformed(_, _, let expected, let found) = hugeStorage else {
      Issue.record("expected malformed, got \(String(describing: hugeStorage))")
      return
    }
    #expect(expected.contains("storage '0' of 4611686018427387903 float32 elements"))
    #expect(found == "a byte size above 2^63")

    let overflow = load(
      Crafted.tensor(key: "0", numel: 4, shape: [1 << 40, 1 << 40], strides: [0, 0]))
    guard case .malformed(_, _, let overflowExpected, _) = overflow else {
      Issue.record("expected malformed, got \(String(describing: overflow))")
      return
    }
    #expect(overflowExpected == "a shape whose element count fits 64 bits")

    for (shape, strides, offset) in [([1000], [1], 0), ([2], [1], 3), ([5], [0], 0)] {
      let error = load(
        Crafted.tensor(key: "0", numel: 4, offset: offset, shape: shape, strides: strides))
      guard case .malformed(_, _, let expected, _) = error else {
        Issue.record("expected malformed for \(shape), got \(String(describing: error))")
        continue
      }
      #expect(expected == "a view inside its storage of 4 elements")
    }

    // The storage says 4 elements but the file holds 2.
    let short = load(Crafted.tensor(key: "0", numel: 4, shape: [4], strides: [1]), storage: [1, 2])
    guard case .malformed(_, _, let shortExpected, _) = short else {
      Issue.record("expected malformed, got \(String(describing: short))")
      return
    }
    #expect(shortExpected.hasPrefix("storage '0' of 4 float32 elements"))
  }

  @Test("a huge stride on a size-1 dimension reads the right elements") func hugeUnitStride()
    throws
  {
    let file = Crafted.legacyFile(
      object: Crafted.pickle(dictWith: [
        ("w", Crafted.tensor(key: "0", numel: 4, shape: [2, 1, 2], strides: [1, Int.max, 2]))
      ]), storages: [("0", [1, 2, 3, 4])])
    let checkpoint = try Checkpoint.decode(file, name: "u.pth")
    // Element (i, 0, k) is storage[i + 2k].
    #expect(checkpoint["w"]?.floats == [1, 3, 2, 4])
  }

  @Test("regressions found by fuzzing: 8-byte negative LONG1, empty view at a huge offset")
  func fuzzRegressions() throws {
    // LONG1 with 8 bytes and the top bit set is a negative int (libFuzzer found a trap).
    let negative = Crafted.legacyFile(
      object: Crafted.pickle(dictWith: [("n", [0x8A, 8] + [UInt8](repeating: 0xFF, count: 8))]))
    #expect(try Checkpoint.decode(negative, name: "n.pth").root?["n"] == .int(-1))
    let empty = Crafted.legacyFile(
      object: Crafted.pickle(dictWith: [
        ("w", Crafted.tensor(key: "0", numel: 4, offset: Int.max, shape: [0], strides: [1]))
      ]), storages: [("0", [1, 2, 3, 4])])
    #expect(try Checkpoint.decode(empty, name: "e.pth")["w"]?.shape == [0])
  }

  @Test("cycles, deep nesting and missing memo entries are errors") func pickleStructure() {
    // d = {'k': l}; l.append(l)
    let cycle = Crafted.legacyFile(
      object: [0x80, 0x02, 0x7D] + Crafted.string("k") + [0x5D, 0x71, 0, 0x68, 0, 0x61, 0x73, 0x2E])
    #expect(
      checkpointError { _ = try Checkpoint.decode(cycle, name: "c.pth") }
        == .malformed(
          file: "c.pth", offset: 0, expected: "an acyclic object",
          found: "a container inside itself"))
    let depth = 5000
    let deep = Crafted.legacyFile(
      object: [0x80, 0x02, 0x7D] + Crafted.string("k") + [UInt8](repeating: 0x5D, count: depth)
        + [UInt8](repeating: 0x61, count: depth - 1) + [0x73, 0x2E])
    #expect(
      checkpointError { _ = try Checkpoint.decode(deep, name: "d.pth") }
        == .unsupported(file: "d.pth", offset: 0, feature: "objects nested deeper than 200"))
    let memo = Crafted.legacyFile(object: [0x80, 0x02, 0x68, 7, 0x2E])
    #expect(
      checkpointError { _ = try Checkpoint.decode(memo, name: "g.pth") }
        == .malformed(
          file: "g.pth", offset: 27, expected: "a memo entry 7", found: "nothing stored there"))
  }

  /// The offset of the zip's central directory and of its first header's fields.
  private func centralDirectory(_ bytes: Data) -> Int {
    let end = bytes.count - 22
    return bytes[(end + 16)..<(end + 20)].reversed().reduce(0) { $0 << 8 | Int($1) }
  }

  @Test("a zip entry pointing outside the archive is refused") func entryOutside() throws {
    var bytes = try Self.fixture("zip_state_dict.pth")
    let header = centralDirectory(bytes)
    for (index, byte) in [0xF0, 0xFF, 0xFF, 0x7F].enumerated() {
      bytes[header + 42 + index] = UInt8(byte)
    }
    let error = checkpointError { _ = try Checkpoint.decode(bytes, name: "z.pth") }
    guard case .malformed(let file, let offset, let expected, _) = error else {
      Issue.record("expected malformed, got \(String(describing: error))")
      return
    }
    #expect(file == "z.pth" && offset == header)
    #expect(expected == "an entry inside the archive's first \(header) bytes")
  }

  @Test("compressed entries and corrupt pickles are refused") func compressedAndCorrupt() throws {
    var compressed = try Self.fixture("zip_state_dict.pth")
    let header = centralDirectory(compressed)
    compressed[header + 10] = 8  // deflate
    #expect(
      checkpointError { _ = try Checkpoint.decode(compressed, name: "z.pth") }
        == .unsupported(
          file: "z.pth (zip_state_dict/data.pkl)", offset: header,
          feature: "compressed entry (method 8)"))
    var corrupt = try Self.fixture("zip_state_dict.pth")
    let pickleStart = 30 + "zip_state_dict/data.pkl".utf8.count
    let extra = Int(corrupt[28]) | Int(corrupt[29]) << 8
    corrupt[pickleStart + extra + 20] ^= 0x01
    let error = checkpointError { _ = try Checkpoint.decode(corrupt, name: "z.pth") }
    guard case .malformed(let file, _, let expected, _) = error else {
      Issue.record("expected malformed, got \(String(describing: error))")
      return
    }
    #expect(file == "z.pth (zip_state_dict/data.pkl)")
    #expect(expected.hasPrefix("CRC-32"))
  }

  @Test("safetensors headers with overlapping, overlong or mismatched offsets are refused")
  func safetensorsOffsets() {
    func error(_ header: String, _ dataLength: Int) -> String? {
      checkpointError {
        _ = try Checkpoint.decode(
          Crafted.safetensors(header: header, dataLength: dataLength), name: "s.safetensors")
      }?.description
    }
    #expect(
      error(
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
          + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 12)
        == "s.safetensors: byte 8: expected tensors with disjoint data_offsets, "
        + "found 'a' [0, 8) overlaps 'b' [4, 12)")
    #expect(
      error(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, 8)
        == "s.safetensors: byte 8: expected 'a' data_offsets within the 8 data bytes, "
        + "found [0, 16]")
    #expect(
      error(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8)
        == "s.safetensors: byte 8: expected 'a' of float32 [3] to span 12 bytes, found 8 bytes")
    #expect(
      error(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, 8)
        == "s.safetensors: byte 8: expected 'a' shape whose size fits 64 bits, "
        + "found [4611686018427387904, 4]")
    #expect(
      error(#"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, 8)
        == "s.safetensors: byte 8: unsupported: safetensors dtype 'C64' of 'a'")
  }

  @Test("malformed safetensors JSON is refused with its position") func malformedJSON() {
    let cases: [(String, String)] = [
      (#"{"a":{"dtype":"F32",}"#, "byte 28: expected a quoted string, found '}'"),
      (#"{"a":[1,2}"#, "byte 17: expected ',' or ']', found '}'"),
      (#"{"a":tru}"#, "byte 16: expected 'true', found '}'"),
      (
        #"{"__metadata__":{"k":1}}"#,
        "byte 8: expected __metadata__ values to be strings, found int 1"
      ),
    ]
    for (header, message) in cases {
      let description = checkpointError {
        _ = try Checkpoint.decode(Crafted.safetensors(header: header, dataLength: 0), name: "j")
      }?.description
      #expect(description == "j: " + message, "\(header)")
    }
  }
}
