import Arguments
import Benchmarks
import Imaging

/// `spurious bench jpeg FILES...`.
enum BenchJPEGCommand: Command {
  static let name = "jpeg"
  static let summary = "Time JPEG decoding of the given files."
  static let discussion = """
    Each image is decoded and put through the evaluation transform (resize, centre \
    crop, normalisation), as the data loader does; the files are read into memory \
    first. Reports images per second with one thread, then with --threads threads.
    """
  static let arguments: [ArgumentSpec] =
    [.positional("files", .path, arity: .oneOrMore, help: "JPEG files to decode.")]
    + BenchCommand.sharedOptions

  static func run(_ arguments: ParsedArguments) throws {
    var files: [[UInt8]] = []
    for path in arguments.strings("files") {
      let bytes = try ImageFiles.bytes(path)
      do {
        _ = try JPEGDecoder.decode(bytes)
      } catch {
        throw ImageFiles.Failure(description: "'\(path)' is not a usable JPEG: \(error)")
      }
      files.append(bytes)
    }
    let threads = BenchCommand.threads(arguments)
    for count in threads == 1 ? [1] : [1, threads] {
      let result = ImageBenchmarks.pipeline(
        files: files, threads: count, repeats: arguments.int("repeats"))
      Console.output((arguments.flag("json") ? result.jsonLine : result.tableLine) + "\n")
    }
  }
}
