import Arguments
import Experiments
import Foundation

/// `spurious report PATHS...`: the paper's tables from run folders.
enum ReportCommand: Command {
  static let name = "report"
  static let summary = "Summarise run folders and result files as tables."
  static let discussion = """
    Reads study.json files and the reference's *_neuron.txt study files. With --figure, \
    the accuracy drop over top-k is drawn per study family (kind, mode, noise, dataset): \
    one family is written to FILE itself, several to FILE's name plus -<family>.svg.
    """
  static let arguments: [ArgumentSpec] = [
    .positional(
      "paths", .path, arity: .oneOrMore,
      help: "Run folders or result files; folders are searched recursively."),
    .option(
      "format", .choice(["markdown", "csv", "json"], noun: "format"), default: "markdown",
      help: "The table format on standard output."),
    .option(
      "figure", .path, valueName: "FILE",
      help: "Also draw the per-group accuracy drop versus top-k as an SVG file."),
  ]

  static func run(_ arguments: ParsedArguments) throws {
    let results = try Report.collect(
      paths: arguments.strings("paths").map { URL(fileURLWithPath: $0) })
    guard !results.isEmpty else {
      throw PlainFailure(
        "no study results (study.json or *_neuron.txt) in "
          + arguments.strings("paths").joined(separator: ", "))
    }
    let report = Report(results: results)
    guard let format = ReportFormat(rawValue: arguments.string("format")) else {
      throw UsageError("'\(arguments.string("format"))' is not a format")
    }
    Console.output(try report.render(format))
    if let path = arguments.optionalString("figure") {
      try writeFigures(report.dropFigures, to: path)
    }
  }

  /// Writes one figure to `path`, or each of several to `<path stem>-<name>.svg`.
  static func writeFigures(_ figures: [(name: String, svg: String)], to path: String) throws {
    guard !figures.isEmpty else {
      Console.diagnostic("note: no top-k results to draw, so no figure was written\n")
      return
    }
    let url = URL(fileURLWithPath: path)
    for figure in figures {
      let target =
        figures.count == 1
        ? url
        : url.deletingLastPathComponent().appendingPathComponent(
          url.deletingPathExtension().lastPathComponent + "-\(figure.name).svg")
      do {
        try Data(figure.svg.utf8).write(to: target, options: .atomic)
      } catch {
        throw PlainFailure("cannot write '\(target.path)': \(error.localizedDescription)")
      }
      Console.diagnostic("wrote \(target.path)\n")
    }
  }
}
