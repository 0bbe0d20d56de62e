import Checkpoints
import Foundation
import TestSupport
import Testing

/// A seeded mutation fuzzer over the three readers: each fixture is mutated (bit flips,
/// boundary integers written over fields, truncation, duplicated and deleted runs) and
/// read; every outcome must be a checkpoint or a `CheckpointError`. A crash, trap or
/// hang would end the test process. The libFuzzer harness in scripts/ does the same
/// without a bound.
@Suite("Seeded mutation fuzzing of the readers")
struct MutationFuzzTests {
  /// SplitMix64: a small generator whose sequence depends only on the seed.
  struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int {
      Int(next() % UInt64(max(bound, 1)))
    }
  }

  static let interesting: [UInt64] = [
    0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000_0000_0000,
    0xFFFF_FFFF_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, 64, 1 << 32,
  ]

  static func mutate(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
    var bytes = input
    for _ in 0..<(1 + random.below(4)) {
      guard !bytes.isEmpty else { break }
      let at = random.below(bytes.count)
      switch random.below(6) {
      case 0: bytes[at] ^= UInt8(1 << random.below(8))
      case 1: bytes[at] = UInt8(truncatingIfNeeded: random.next())
      case 2:
        let value = interesting[random.below(interesting.count)]
        let width = [1, 2, 4, 8][random.below(4)]
        for index in 0..<width where at + index < bytes.count {
          bytes[at + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
        }
      case 3: bytes.removeLast(random.below(bytes.count - at + 1))
      case 4:
        let length = min(random.below(64) + 1, bytes.count - at)
        bytes.insert(contentsOf: bytes[at..<(at + length)], at: random.below(bytes.count))
      default:
        let length = min(random.below(64) + 1, bytes.count - at)
        bytes.removeSubrange(at..<(at + length))
      }
    }
    return bytes
  }

  @Test(
    "4,000 mutated files per reader end in a checkpoint or a CheckpointError",
    arguments: [
      ("legacy_dtypes.pth", UInt64(1)), ("legacy_state_dict.pth", 2), ("zip_dtypes.pth", 3),
      ("zip64_state_dict.pth", 4), ("streamed_state_dict.pth", 5), ("dtypes.safetensors", 6),
    ])
  func fuzz(_ name: String, _ seed: UInt64) throws {
    let original = Array(try Data(contentsOf: Fixtures.url("checkpoints/\(name)")))
    var random = SplitMix64(state: seed)
    var loaded = 0
    var refused = 0
    var otherErrors: [String] = []
    for _ in 0..<4000 {
      let bytes = Self.mutate(original, &random)
      do {
        _ = try Checkpoint.decode(Data(bytes), name: name)
        loaded += 1
      } catch is CheckpointError {
        refused += 1
      } catch {
        otherErrors.append("\(error)")
      }
    }
    #expect(otherErrors.isEmpty)
    #expect(loaded + refused == 4000)
    // Most mutations break the file; some (inside tensor data) leave it readable.
    #expect(refused > 0)
  }
}
