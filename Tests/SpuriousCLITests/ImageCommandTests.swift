import Foundation
import Imaging
import TestSupport
import Testing

/// `spurious image` and `spurious predict` against the Imaging library's transforms.
@Suite("spurious image and predict") struct ImageCommandTests {
  @Test("image writes the decoded PPM or JPEG unchanged with --transform none")
  func roundTrip() throws {
    let folder = CLIWorkspace.folder("image")
    let image = CLIWorkspace.pattern(width: 40, height: 30)
    let ppm = folder.appendingPathComponent("in.ppm")
    try CLIWorkspace.write(PPM.write(image), to: ppm)
    let out = folder.appendingPathComponent("out.ppm")
    let outcome = try CommandRunner.run(["image", ppm.path, "--out", out.path])
    #expect(outcome == .init(status: 0, standardOutput: "", standardError: ""))
    #expect(try PPM.read(CLIWorkspace.read(out)) == image)

    let jpegBytes = JPEGEncoder.encode(image, quality: 80)
    let jpeg = folder.appendingPathComponent("in.jpg")
    try CLIWorkspace.write(jpegBytes, to: jpeg)
    #expect(try CommandRunner.run(["image", jpeg.path, "-o", out.path]).status == 0)
    #expect(try PPM.read(CLIWorkspace.read(out)) == JPEGDecoder.decode(jpegBytes))
  }

  @Test("image --transform eval|train writes exactly what the library transforms give")
  func transforms() throws {
    let folder = CLIWorkspace.folder("image")
    let image = CLIWorkspace.pattern(width: 50, height: 37)
    let input = folder.appendingPathComponent("in.ppm")
    try CLIWorkspace.write(PPM.write(image), to: input)
    let out = folder.appendingPathComponent("out.ppm")

    let eval = try CommandRunner.run(
      ["image", input.path, "--out", out.path, "--transform", "eval", "--resolution", "24"])
    #expect(eval.status == 0, "\(eval)")
    let evaluated = try PPM.read(CLIWorkspace.read(out))
    #expect(evaluated.width == 24 && evaluated.height == 24)
    #expect(evaluated == EvaluationTransform(cropSize: 24).crop(image))

    for seed in [0, 1, 2, 3] {
      let train = try CommandRunner.run([
        "image", input.path, "--out", out.path, "--transform", "train", "--resolution", "20",
        "--seed", "\(seed)",
      ])
      #expect(train.status == 0, "\(train)")
      let transform = TrainingTransform(size: 20)
      var generator = AugmentationGenerator(seed: UInt64(seed))
      let draw = transform.draw(width: 50, height: 37, using: &generator)
      var expected = transform.resizedCrop(image, box: draw.box)
      if draw.flipped {
        // Mirror independently of the command's code: reverse each row's pixels.
        var pixels: [UInt8] = []
        for y in 0..<expected.height {
          for x in (0..<expected.width).reversed() {
            let i = (y * expected.width + x) * 3
            pixels += expected.pixels[i..<(i + 3)]
          }
        }
        expected = RGBImage(width: expected.width, height: expected.height, pixels: pixels)
      }
      #expect(try PPM.read(CLIWorkspace.read(out)) == expected, "seed \(seed)")
    }
  }

  @Test("a missing or corrupt image fails with status 1 and names the file")
  func badImages() throws {
    let folder = CLIWorkspace.folder("image")
    let missing = folder.appendingPathComponent("none.jpg").path
    let out = folder.appendingPathComponent("out.ppm").path
    #expect(
      try CommandRunner.run(["image", missing, "--out", out])
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: cannot read image '\(missing)': no such file\n"))

    let corrupt = folder.appendingPathComponent("bad.jpg")
    try CLIWorkspace.write([0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x00], to: corrupt)
    #expect(
      try CommandRunner.run(["image", corrupt.path, "--out", out])
        == .init(
          status: 1, standardOutput: "",
          standardError: "error: '\(corrupt.path)' is not a usable image: JPEG: truncated "
            + "JPEG: the segment needs 67 bytes, the file has 3 left (in DQT, byte offset 7)\n"))
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("predict prints one JSON line per image whose probabilities are softmax(logits)")
  func predict() throws {
    let trained = try CLIWorkspace.trained.get()
    let folder = CLIWorkspace.folder("predict")
    let ppm = folder.appendingPathComponent("card.ppm")
    try CLIWorkspace.write(PPM.write(CLIWorkspace.pattern(width: 45, height: 33)), to: ppm)
    let jpegs = try FileManager.default.contentsOfDirectory(
      at: trained.data.appendingPathComponent("images/test"), includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "jpg" }.sorted { $0.path < $1.path }.prefix(2)
    let images = [ppm.path] + jpegs.map(\.path)
    let outcome = try CommandRunner.run(
      ["predict", "--checkpoint", trained.checkpoint.path] + images)
    #expect(outcome.status == 0, "\(outcome)")
    #expect(outcome.standardError == "")
    let lines = try CLIWorkspace.jsonLines(outcome.standardOutput)
    #expect(lines.map { $0["image"] as? String } == images)
    for line in lines {
      let logits = try #require(line["logits"] as? [Double])
      let probabilities = try #require(line["probabilities"] as? [Double])
      #expect(logits.count == 2 && probabilities.count == 2)
      #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5)
      let top = logits.max()!
      let exponentials = logits.map { exp($0 - top) }
      for (p, e) in zip(probabilities, exponentials) {
        #expect(abs(p - e / exponentials.reduce(0, +)) < 1e-5)
      }
    }

    #expect(
      try CommandRunner.run(
        ["predict", "--checkpoint", trained.checkpoint.path, "--head", "linear", ppm.path])
        == .init(
          status: 2, standardOutput: "",
          standardError: "error: --head linear does not match the checkpoint, whose keys hold "
            + "a softmax head\nRun 'spurious predict --help' for usage.\n"))

    let bad = folder.appendingPathComponent("bad.jpg")
    try CLIWorkspace.write([0x50, 0x37, 0x0A], to: bad)
    let failure = try CommandRunner.run(
      ["predict", "--checkpoint", trained.checkpoint.path, bad.path])
    #expect(
      failure
        == .init(
          status: 1, standardOutput: "",
          standardError:
            "error: '\(bad.path)' is not a usable image: neither JPEG nor PPM (first bytes "
            + "50 37 a)\n"))
  }
}
