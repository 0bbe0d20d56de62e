import Foundation

/// Runs the built `spurious` executable, for end-to-end tests of the command line.
public enum CommandRunner {
  /// What one run of the executable did.
  public struct Outcome: Equatable, CustomStringConvertible {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String

    public init(status: Int32, standardOutput: String, standardError: String) {
      self.status = status
      self.standardOutput = standardOutput
      self.standardError = standardError
    }

    public var description: String {
      "status \(status)\n--- stdout\n\(standardOutput)--- stderr\n\(standardError)"
    }
  }

  /// Why the executable could not be run.
  public struct LaunchError: Error, CustomStringConvertible {
    public let description: String
  }

  /// The executable the tests run: `SPURIOUS_BINARY` if set, else `spurious` in the
  /// products folder that holds the running test binary (SwiftPM builds both into the
  /// same `.build/<configuration>`, whether debug or release), else the package's
  /// `.build/release` or `.build/debug`.
  public static func executableURL() throws -> URL {
    let fm = FileManager.default
    var candidates: [URL] = []
    if let path = ProcessInfo.processInfo.environment["SPURIOUS_BINARY"] {
      candidates.append(URL(fileURLWithPath: path))
    }
    // The test binary is `<products>/<package>PackageTests.xctest` on Linux and
    // `<products>/<package>PackageTests.xctest/Contents/MacOS/<...>` on macOS.
    var folder = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
      .resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
      candidates.append(folder.appendingPathComponent("spurious"))
      folder = folder.deletingLastPathComponent()
    }
    for configuration in ["release", "debug"] {
      candidates.append(
        Fixtures.packageRoot.appendingPathComponent(".build/\(configuration)/spurious"))
    }

    for candidate in candidates {
      var isFolder: ObjCBool = false
      if fm.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue,
        fm.isExecutableFile(atPath: candidate.path)
      {
        return candidate
      }
    }
    throw LaunchError(
      description: "no spurious executable found; looked at:\n"
        + candidates.map(\.path).joined(separator: "\n"))
  }

  /// Runs `spurious arguments...` with an empty standard input and waits for it.
  /// Output goes through temporary files, so a chatty child cannot block on a full pipe.
  public static func run(_ arguments: [String]) throws -> Outcome {
    let folder = Fixtures.temporaryDirectory("cli")
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("stdout")
    let errURL = folder.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)

    let process = Process()
    process.executableURL = try executableURL()
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()

    return Outcome(
      status: process.terminationStatus,
      standardOutput: try String(contentsOf: outURL, encoding: .utf8),
      standardError: try String(contentsOf: errURL, encoding: .utf8))
  }

  /// `run` with the words of `commandLine` split at spaces (no quoting).
  public static func run(_ commandLine: String) throws -> Outcome {
    try run(commandLine.split(separator: " ").map(String.init))
  }
}
