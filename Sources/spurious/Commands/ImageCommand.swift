import Arguments

/// `spurious image IN --out OUT.ppm`: one image through the preprocessing pipeline.
enum ImageCommand: Command {
  static let name = "image"
  static let summary = "Decode an image, optionally transform it, and write it as PPM."
  static let discussion = """
    Shows exactly what the model sees: the evaluation transform (resize and centre crop) \
    or the training transform (random resized crop and flip, drawn from --seed).
    """
  static let arguments: [ArgumentSpec] = [
    .positional("in", .path, help: "The JPEG file to read."),
    .option("out", short: "o", .path, valueName: "FILE", required: true, help: "The PPM to write."),
    .option(
      "transform", .choice(["none", "eval", "train"], noun: "transform"), default: "none",
      help: "The preprocessing to apply before writing."),
    SharedOptions.seed,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
