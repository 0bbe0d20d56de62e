import Arguments
import Imaging

/// `spurious image IN --out OUT.ppm`: one image through the preprocessing pipeline.
enum ImageCommand: Command {
  static let name = "image"
  static let summary = "Decode an image, optionally transform it, and write it as PPM."
  static let discussion = """
    Shows exactly what the model sees before normalisation: the evaluation transform \
    (resize to 256x256 for a 224 side, then centre crop) or the training transform \
    (random resized crop and flip, drawn from --seed).
    """
  static let arguments: [ArgumentSpec] = [
    .positional("in", .path, help: "The JPEG or binary PPM file to read."),
    .option("out", short: "o", .path, valueName: "FILE", required: true, help: "The PPM to write."),
    .option(
      "transform", .choice(["none", "eval", "train"], noun: "transform"), default: "none",
      help: "The preprocessing to apply before writing."),
    .option(
      "resolution", .positiveInteger, default: "224",
      help: "Side of the transformed image, in pixels."),
    SharedOptions.seed,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    let image = try ImageFiles.read(arguments.string("in"))
    let side = arguments.int("resolution")
    let output: RGBImage
    switch arguments.string("transform") {
    case "eval":
      output = EvaluationTransform(cropSize: side).crop(image)
    case "train":
      let transform = TrainingTransform(size: side)
      var generator = AugmentationGenerator(seed: UInt64(arguments.int("seed")))
      let draw = transform.draw(width: image.width, height: image.height, using: &generator)
      let crop = transform.resizedCrop(image, box: draw.box)
      output = draw.flipped ? ImageFiles.flippedHorizontally(crop) : crop
    default:
      output = image
    }
    try ImageFiles.write(PPM.write(output), to: arguments.string("out"))
  }
}
