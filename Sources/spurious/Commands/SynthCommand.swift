import Arguments
import Datasets
import Foundation

/// `spurious synth`: writes the synthetic Waterbirds-like dataset.
enum SynthCommand: Command {
  static let name = "synth"
  static let summary = "Generate the synthetic dataset with a Waterbirds-like spurious correlation."
  static let discussion = """
    Writes JPEG images and a metadata.csv in the Waterbirds layout, so every command \
    that reads --dataset folder can use the result.
    """
  // The defaults here describe the generator in Datasets; keep them in step with it.
  static let arguments: [ArgumentSpec] = [
    .option("out", short: "o", .path, valueName: "DIR", required: true, help: "Folder to create."),
    .option("train-size", .positiveInteger, default: "1200", help: "Training images."),
    .option("val-size", .positiveInteger, default: "300", help: "Validation images."),
    .option("test-size", .positiveInteger, default: "800", help: "Test images."),
    .option("resolution", .positiveInteger, default: "64", help: "Image side, in pixels."),
    .option(
      "majority-fraction", .fraction, default: "0.95",
      help: "Fraction of training images whose background matches their label "
        + "(Waterbirds: 0.95)."),
    SharedOptions.seed,
    .option("quality", .integer(in: 1...100), default: "90", help: "JPEG quality."),
    SharedOptions.threads,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    let summary = try SyntheticDataset.generate(
      SyntheticDataset.Options(
        outputDirectory: URL(fileURLWithPath: arguments.string("out")),
        trainSize: arguments.int("train-size"), valSize: arguments.int("val-size"),
        testSize: arguments.int("test-size"), resolution: arguments.int("resolution"),
        majorityFraction: arguments.double("majority-fraction"),
        seed: UInt64(arguments.int("seed")), quality: arguments.int("quality"),
        threads: DataArguments.applyThreads(arguments)))
    var lines = ["wrote \(summary.imageCount) images to \(summary.root.path)"]
    for split in Split.allCases {
      let counts = summary.groupCounts[split] ?? []
      lines.append("\(split): group counts \(counts)")
    }
    Console.output(lines.joined(separator: "\n") + "\n")
  }
}
