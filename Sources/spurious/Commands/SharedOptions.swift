import Arguments

/// Options that several commands declare, spelled and explained the same everywhere.
enum SharedOptions {
  static let datasets = ["waterbirds", "celeba", "folder", "synthetic"]
  static let architectures = [
    "resnet50", "deit_tiny", "deit_small", "deit_base", "deit_large", "resnet_mini",
  ]
  static let splits = ["train", "val", "test"]

  static func dataset(default value: String? = "waterbirds") -> ArgumentSpec {
    .option(
      "dataset", .choice(datasets, noun: "dataset"), default: value,
      help: "The dataset layout: Waterbirds' metadata.csv, CelebA's official files, any "
        + "folder with the same columns, or the generated synthetic set.")
  }

  static let data = ArgumentSpec.option(
    "data", .path, valueName: "PATH",
    help: "The dataset's root folder (not needed for synthetic data).")

  static func architecture(default value: String? = "resnet50") -> ArgumentSpec {
    .option(
      "arch", .choice(architectures, noun: "architecture"), default: value,
      help: "The network; deit_large is the paper's ViT-L/16; resnet_mini (not in the paper) "
        + "is a narrow ResNet for demos and tests.")
  }

  static func split(default value: String) -> ArgumentSpec {
    .option(
      "split", .choice(splits, noun: "split"), default: value, help: "The split to evaluate.")
  }

  static let checkpoint = ArgumentSpec.option(
    "checkpoint", .path, valueName: "FILE", required: true,
    help: "The trained model (.safetensors, .pth or .pth.tar).")

  static let seed = ArgumentSpec.option(
    "seed", .nonNegativeInteger, default: "0",
    help: "Seeds every random choice; the same seed gives the same numbers.")

  static let threads = ArgumentSpec.option(
    "threads", .positiveInteger, defaultDescription: "all cores",
    help: "Worker threads for the kernels and the data loader.")

  static let json = ArgumentSpec.flag(
    "json", help: "Print the result as JSON on standard output instead of a table.")

  static func out(_ what: String, default description: String? = nil) -> ArgumentSpec {
    .option(
      "out", short: "o", .path, valueName: "DIR", defaultDescription: description, help: what)
  }

  static let resume = ArgumentSpec.flag(
    "resume", help: "Continue the run in --out from its last complete checkpoint.")

  static let force = ArgumentSpec.flag(
    "force", help: "Overwrite an existing run folder instead of refusing.")

  static let savePth = ArgumentSpec.flag(
    "save-pth",
    help: "Also write each checkpoint as .pth.tar, loadable by torch.load, beside the "
      + ".safetensors file.")

  static let head = ArgumentSpec.option(
    "head", .choice(["softmax", "linear"], noun: "head"), default: "softmax",
    help: "The classifier head: the reference's Linear+Softmax (cross-entropy then acts "
      + "on probabilities), or a plain Linear layer.")

  static let layerNormEpsilon = ArgumentSpec.option(
    "layernorm-eps", .positiveNumber, default: "1e-5",
    help: "Epsilon of the DeiT/ViT LayerNorms.")

  static let scheduler = ArgumentSpec.option(
    "scheduler", .choice(["plateau", "cosine", "none"], noun: "scheduler"), default: "plateau",
    help: "Learning-rate schedule: halve on a loss plateau (as the reference), cosine "
      + "decay, or constant.")

  static let augment = ArgumentSpec.flagPair(
    "augment", default: true,
    help: "Random resized crops and horizontal flips on training images.")
}
