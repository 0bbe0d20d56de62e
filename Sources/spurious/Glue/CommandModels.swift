import Arguments
import Experiments
import Foundation
import Models

/// Model-related option handling shared by the commands.
enum CommandModels {
  /// `--arch` for commands that load a trained checkpoint: optional, because the
  /// checkpoint's metadata or keys tell.
  static let architectureFromCheckpoint = ArgumentSpec.option(
    "arch", .choice(SharedOptions.architectures, noun: "architecture"),
    defaultDescription: "read from the checkpoint",
    help: "The network, when the checkpoint does not say (deit_large is ViT-L/16).")

  /// `--layernorm-eps` for commands that load a trained checkpoint.
  static let layerNormEpsilonFromCheckpoint = ArgumentSpec.option(
    "layernorm-eps", .positiveNumber, defaultDescription: "the checkpoint's, else 1e-5",
    help: "Epsilon of the DeiT/ViT LayerNorms: 1e-5 reproduces the reference, 1e-6 is what "
      + "the published checkpoints were trained with.")

  static func architecture(_ name: String) throws -> Architecture {
    guard let architecture = Architecture(rawValue: name) else {
      throw UsageError("'\(name)' is not an architecture")
    }
    return architecture
  }

  static func head(_ name: String) throws -> HeadKind {
    guard let head = HeadKind(rawValue: name) else { throw UsageError("'\(name)' is not a head") }
    return head
  }

  /// The trained model in `checkpoint`, with `--arch`, `--layernorm-eps` and
  /// `--resolution` overriding what the file records.
  static func trainedModel(_ arguments: ParsedArguments, checkpoint: URL) throws -> (
    model: any ImageClassifier, recipe: ModelRecipe
  ) {
    try ModelFactory.fromCheckpoint(
      checkpoint, architecture: try arguments.optionalString("arch").map(architecture),
      layerNormEpsilon: arguments.optionalDouble("layernorm-eps").map(Float.init),
      resolution: arguments.optionalInt("resolution"))
  }

  /// Runs `body`, turning the library's interruption into the command's (exit 3).
  static func interruptible<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch ExperimentsError.interrupted {
      throw CommandFailure.interrupted(command: "spurious")
    }
  }

  /// Pretty JSON of any encodable value.
  static func json<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}
