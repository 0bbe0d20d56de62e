import Arguments

/// A small command tree that uses every kind of declaration, for the parser tests.
enum SampleTool: Command {
  static let name = "sample"
  static let summary = "A tool for testing the parser."
  static let subcommands: [any Command.Type] = [SampleTrain.self, SampleCheckpoint.self]

  static let parser = CommandLineParser(root: SampleTool.self, version: "sample 1.2.3")
}

enum SampleTrain: Command {
  static let name = "train"
  static let summary = "Train a model."
  static let discussion = """
    Trains for the given number of epochs and writes one checkpoint per epoch into the \
    output folder, which must not exist yet.

      Example: sample train --epochs 3 a.jpg
    """
  static let arguments: [ArgumentSpec] =
    [
      .positional("image", .path, arity: .zeroOrMore, help: "Extra images."),
      .option(
        "epochs", .nonNegativeInteger, default: "40", help: "Passes over the training set."),
      .option("lr", .positiveNumber, default: "5e-6", help: "Learning rate."),
      .option("shift", .integer(), help: "Any integer, negative too."),
      .option("fraction", .fraction, help: "A fraction."),
      .option("threads", short: "j", .integer(in: 1...64), help: "Worker threads."),
      .option(
        "arch", .choice(["resnet50", "deit_tiny"], noun: "architecture"), default: "resnet50",
        help: "The network."),
      .option("groups", .list(of: .nonNegativeInteger), help: "Groups to report."),
      .option(
        "modes", .list(of: .choice(["zero", "rewind"], noun: "mode")), help: "Modes to try."),
      .option("tag", .text, repeating: true, help: "Labels for the run."),
    ]
    + ArgumentSpec.group(
      "Output options",
      [
        .option("out", short: "o", .path, valueName: "DIR", required: true, help: "Run folder."),
        .flagPair("augment", default: true, help: "Augment training images."),
        .flag("force", help: "Overwrite the run folder."),
      ])

  static func run(_ arguments: ParsedArguments) throws {}
}

enum SampleCheckpoint: Command {
  static let name = "checkpoint"
  static let summary = "Work with checkpoint files."
  static let subcommands: [any Command.Type] = [SampleConvert.self]
}

enum SampleConvert: Command {
  static let name = "convert"
  static let summary = "Convert a checkpoint."
  static let arguments: [ArgumentSpec] = [
    .positional("in", .path, help: "Input file."),
    .positional("out", .path, arity: .optional, default: "out.safetensors", help: "Output."),
  ]

  static func run(_ arguments: ParsedArguments) throws {}
}

/// Parses `words` with the sample tree and returns what to run, failing the test on help.
func parseRun(_ words: [String]) throws -> (any Command.Type, ParsedArguments) {
  switch try SampleTool.parser.parse(words) {
  case .run(let command, let parsed): return (command, parsed)
  case .help(let text): throw UnexpectedOutcome(description: "help:\n" + text)
  case .version(let line): throw UnexpectedOutcome(description: "version: " + line)
  }
}

/// The usage error `words` cause, or nil when they parse.
func usageError(_ words: [String]) -> UsageError? {
  do {
    _ = try SampleTool.parser.parse(words)
    return nil
  } catch let error as UsageError {
    return error
  } catch {
    return UsageError("not a usage error: \(error)")
  }
}

struct UnexpectedOutcome: Error, CustomStringConvertible {
  let description: String
}
