import Arguments
import Datasets
import Experiments
import Foundation

/// `spurious demo`: the whole study on generated data, no download needed.
enum DemoCommand: Command {
  static let name = "demo"
  static let summary =
    "Run the whole study on a generated dataset: train, find critical neurons, prune-finetune."
  static let arguments: [ArgumentSpec] = [
    SharedOptions.out("Folder for the demo's runs.", default: "experiments/demo"),
    SharedOptions.seed,
    .flag("quick", help: "A smaller dataset and fewer epochs: a smoke test in about a minute."),
    SharedOptions.threads,
  ]

  static func run(_ arguments: ParsedArguments) throws {
    let root =
      arguments.optionalString("out").map(URL.init(fileURLWithPath:))
      ?? RunDirectory.defaultURL(name: "demo")
    let options = Demo.Options(
      root: root, seed: UInt64(arguments.int("seed")), quick: arguments.flag("quick"),
      threads: DataArguments.applyThreads(arguments), commandLine: CommandLine.arguments,
      version: Version.number)
    Interrupt.allowGracefulStop()
    let printer = EventPrinter()
    let started = Date()
    let outcome = try CommandModels.interruptible {
      try Demo(options, onEvent: { printer.handle($0) }, shouldStop: { Interrupt.isRequested })
        .run()
    }
    Console.output(DemoReport.render(outcome, seconds: Date().timeIntervalSince(started)))
  }
}
