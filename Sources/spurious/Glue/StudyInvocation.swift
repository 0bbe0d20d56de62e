import Arguments
import Experiments
import Foundation
import Neurons

/// The shared body of `spurious study largest|activated|threshold`.
enum StudyInvocation {
  static func run(_ arguments: ParsedArguments, kind: StudyKind) throws {
    let checkpoint = URL(fileURLWithPath: arguments.string("checkpoint"))
    guard let mode = ModificationMode(rawValue: arguments.string("mode")) else {
      throw UsageError("'\(arguments.string("mode"))' is not a modification mode")
    }
    if mode == .rewind && arguments.int("rewind-epochs") == 0
      && arguments.optionalString("rewind-from") == nil
    {
      throw UsageError("--mode rewind needs --rewind-epochs N (N > 0) or --rewind-from FILE")
    }
    if mode.isRandom && arguments.double("noise-std") == 0 {
      Console.diagnostic("warning: --noise-std is 0, so \(mode.rawValue) changes nothing\n")
    }
    let split = arguments.string("split")
    let configuration = StudyConfiguration(
      kind: kind, mode: mode,
      topK: kind == .threshold ? nil : arguments.int("top-k"),
      percentage: kind == .threshold ? arguments.double("percentage") : nil,
      smallest: kind == .threshold ? arguments.flag("smallest") : false,
      dropoutP: kind == .threshold ? arguments.double("dropout-p") : nil,
      noiseStd: arguments.double("noise-std"), rewindEpochs: arguments.int("rewind-epochs"),
      dataset: arguments.string("dataset"), split: split,
      baselineSplit: arguments.optionalString("baseline-split") ?? split)
    let stem = configuration.referenceFileName.replacingOccurrences(of: ".txt", with: "")
    let out =
      arguments.optionalString("out").map(URL.init(fileURLWithPath:))
      ?? checkpoint.deletingLastPathComponent().appendingPathComponent("study_\(split)_\(stem)")
    let resolution = try resolution(arguments, checkpoint: checkpoint)
    let options = StudyRunner.Options(
      checkpoint: checkpoint,
      architecture: try arguments.optionalString("arch").map(CommandModels.architecture),
      layerNormEpsilon: arguments.optionalDouble("layernorm-eps").map(Float.init),
      data: try DataArguments.options(arguments, resolution: resolution),
      configuration: configuration,
      scope: arguments.string("scope") == "prunable" ? .prunable : .reference,
      rewindFrom: arguments.optionalString("rewind-from").map(URL.init(fileURLWithPath:)),
      runs: arguments.optionalInt("runs"), seed: UInt64(arguments.int("seed")), output: out,
      force: arguments.flag("force"), commandLine: CommandLine.arguments,
      version: Version.number)
    Interrupt.allowGracefulStop()
    let printer = EventPrinter()
    let result = try CommandModels.interruptible {
      try StudyRunner(
        options, onEvent: { printer.handle($0) },
        shouldStop: {
          Interrupt.isRequested
        }
      ).run()
    }
    if arguments.flag("json") {
      Console.output(try CommandModels.json(result) + "\n")
    } else {
      Console.output(try Report(results: [result]).render(.markdown))
      Console.output("results: \(out.path)\n")
    }
  }

  /// `--resolution`, else the one recorded in the checkpoint, else 224.
  static func resolution(_ arguments: ParsedArguments, checkpoint: URL) throws -> Int {
    if let given = arguments.optionalInt("resolution") { return given }
    return try ModelFactory.recordedResolution(of: checkpoint) ?? 224
  }
}
