import Foundation
import Imaging
import TestSupport

/// Files the end-to-end tests of the wired commands share: a tiny synthetic dataset and
/// a one-epoch resnet_mini trained on it, made once per test process through the CLI.
enum CLIWorkspace {
  struct Trained {
    var folder: URL
    var data: URL
    var checkpoint: URL
  }

  /// Why the shared files could not be made.
  struct SetupError: Error, CustomStringConvertible {
    var description: String
  }

  /// Made on first use (a static let is initialised once, even with parallel tests).
  static let trained: Result<Trained, SetupError> = {
    let folder = Fixtures.temporaryDirectory("cliwire")
    let data = folder.appendingPathComponent("data")
    let run = folder.appendingPathComponent("run")
    let steps = [
      [
        "synth", "--out", data.path, "--train-size", "40", "--val-size", "8", "--test-size",
        "8", "--resolution", "32",
      ],
      [
        "pretrain", "--dataset", "folder", "--data", data.path, "--arch", "resnet_mini",
        "--resolution", "32", "--from-scratch", "--epochs", "1", "--batch-size", "16",
        "--out", run.path,
      ],
    ]
    for step in steps {
      guard let outcome = try? CommandRunner.run(step), outcome.status == 0 else {
        return .failure(SetupError(description: "setup step \(step) failed"))
      }
    }
    return .success(
      Trained(
        folder: folder, data: data, checkpoint: run.appendingPathComponent("epoch_0.safetensors")
      ))
  }()

  /// A fresh folder for one test.
  static func folder(_ label: String) -> URL { Fixtures.temporaryDirectory(label) }

  /// A deterministic test card: gradients in red and green, a checker in blue.
  static func pattern(width: Int, height: Int) -> RGBImage {
    var pixels: [UInt8] = []
    for y in 0..<height {
      for x in 0..<width {
        pixels += [
          UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)),
          (x / 4 + y / 4) % 2 == 0 ? 30 : 220,
        ]
      }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// Writes `bytes` to `url`.
  static func write(_ bytes: [UInt8], to url: URL) throws {
    try Data(bytes).write(to: url)
  }

  /// The bytes of `url`.
  static func read(_ url: URL) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: url))
  }

  /// Each line of `text` parsed as a JSON object.
  static func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { line in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
      guard let dictionary = object as? [String: Any] else {
        throw SetupError(description: "not a JSON object: \(line)")
      }
      return dictionary
    }
  }
}
