import Foundation
import TestSupport
import Testing

/// End-to-end: the built `spurious` binary, its exact messages and exit statuses
/// (0 success, 1 failure, 2 usage error; see Sources/spurious/Frame/ExitStatus.swift).
@Suite("spurious command line") struct SpuriousCLITests {
  @Test("no arguments prints the overview on stdout and succeeds, like --help and help")
  func noArguments() throws {
    let bare = try CommandRunner.run([])
    #expect(bare.status == 0)
    #expect(bare.standardError == "")
    #expect(bare.standardOutput.hasPrefix("Usage: spurious <command>\n\n"))
    #expect(bare.standardOutput.contains("\n  pretrain "))
    #expect(try CommandRunner.run("--help") == bare)
    #expect(try CommandRunner.run("-h") == bare)
    #expect(try CommandRunner.run("help") == bare)
  }

  @Test("--version and the version command print the same line")
  func version() throws {
    let expected = CommandRunner.Outcome(
      status: 0, standardOutput: "spurious 0.1.0\n", standardError: "")
    #expect(try CommandRunner.run("--version") == expected)
    #expect(try CommandRunner.run("version") == expected)
  }

  @Test("an unknown command is a usage error with a suggestion")
  func unknownCommand() throws {
    let outcome = try CommandRunner.run("prtrain --epochs 3")
    #expect(
      outcome
        == .init(
          status: 2, standardOutput: "",
          standardError: """
            error: unknown command 'prtrain' (did you mean 'pretrain'?)
            Run 'spurious --help' for usage.

            """))
  }

  @Test("bad options are usage errors that name the option and point at its help")
  func badOptions() throws {
    let cases = [
      ("pretrain --epoch 3", "unknown option '--epoch' (did you mean '--epochs'?)"),
      ("pretrain --epochs -3", "--epochs expects a non-negative integer, got '-3'"),
      (
        "pretrain --arch resnet51",
        "'resnet51' is not an architecture; choose one of resnet50, deit_tiny, deit_small, "
          + "deit_base, deit_large, resnet_mini"
      ),
      ("pretrain --data", "missing value for --data"),
      ("pretrain extra", "unexpected argument 'extra'"),
    ]
    for (commandLine, message) in cases {
      let outcome = try CommandRunner.run(commandLine)
      #expect(outcome.status == 2, "\(commandLine)")
      #expect(outcome.standardOutput == "")
      #expect(
        outcome.standardError == "error: \(message)\nRun 'spurious pretrain --help' for usage.\n")
    }
  }

  @Test("missing arguments of a nested command point at that command's help")
  func missingArgument() throws {
    let outcome = try CommandRunner.run("checkpoint inspect --json")
    #expect(outcome.status == 2)
    #expect(
      outcome.standardError
        == "error: missing required argument FILE\n"
        + "Run 'spurious checkpoint inspect --help' for usage.\n")
    let help = try CommandRunner.run("help study larget")
    #expect(help.status == 2)
    #expect(
      help.standardError
        == "error: 'spurious study' has no subcommand 'larget' (did you mean 'largest'?)\n"
        + "Run 'spurious study --help' for usage.\n")
  }

  @Test("a subcommand's --help prints its page, the same as 'help <path>'")
  func subcommandHelp() throws {
    let expected = """
      Usage: spurious checkpoint inspect [options] FILE

      List the tensors of a checkpoint with their shapes and types.

      Arguments:
        FILE        The checkpoint to read.

      Options:
            --json  Print the result as JSON on standard output instead of a table.
        -h, --help  Show this help.

      """
    let outcome = try CommandRunner.run("checkpoint inspect --help")
    #expect(outcome == .init(status: 0, standardOutput: expected, standardError: ""))
    #expect(try CommandRunner.run("help checkpoint inspect") == outcome)
    #expect(try CommandRunner.run("checkpoint inspect model.pth -h") == outcome)
  }

  @Test("a custom value kind explains itself: the sweep's --shard i/n")
  func shard() throws {
    let outcome = try CommandRunner.run("sweep sweep.json --shard 3/2")
    #expect(outcome.status == 2)
    #expect(
      outcome.standardError
        == "error: --shard expects a shard i/n with 1 <= i <= n, got '3/2'\n"
        + "Run 'spurious sweep --help' for usage.\n")
  }

  @Test("every command in the tree has a help page within 80 columns")
  func everyHelpPage() throws {
    var pending: [[String]] = [[]]
    var visited = 0
    while let path = pending.popLast() {
      let outcome = try CommandRunner.run(["help"] + path)
      #expect(outcome.status == 0, "\(path): \(outcome)")
      visited += 1
      for line in outcome.standardOutput.split(separator: "\n") {
        #expect(line.count <= 80, "\(path): \(line)")
      }
      pending += subcommandNames(in: outcome.standardOutput).map { path + [$0] }
    }
    // 12 leaf or group commands, help, version, and 3 + 2 + 4 subcommands, and the root.
    #expect(visited == 24)
  }

  /// The names listed under "Commands:" or "Subcommands:" in a help page.
  private func subcommandNames(in page: String) -> [String] {
    let sections = page.components(separatedBy: "\n\n")
    guard
      let listing = sections.first(where: {
        $0.hasPrefix("Commands:\n") || $0.hasPrefix("Subcommands:\n")
      })
    else { return [] }
    return listing.split(separator: "\n").dropFirst().compactMap { line in
      // Entries start at column 2; wrapped summaries are indented further.
      guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
      return line.split(separator: " ").first.map(String.init)
    }
  }
}
