import Arguments

/// `spurious sweep FILE.json`: many runs from one description, shardable across jobs.
enum SweepCommand: Command {
  static let name = "sweep"
  static let summary = "Run every configuration of a sweep file, or one shard of them."
  static let discussion = """
    Runs already complete in their folders are skipped, so a sweep can be restarted. \
    With --shard i/n, this process runs only the configurations whose index is i modulo \
    n (i from 0), e.g. one Slurm array task each.
    """
  static let arguments: [ArgumentSpec] = [
    .positional("file", .path, help: "The sweep description (JSON)."),
    .option(
      "shard", .custom("a shard i/n with 0 <= i < n", plural: "shards", isValid: isShard),
      valueName: "I/N", help: "Run only shard I of N."),
    .flag("dry-run", help: "List the runs the sweep would start, and start none."),
  ]

  /// `i/n` with integers 0 <= i < n.
  static func isShard(_ text: String) -> Bool {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
      return false
    }
    return index >= 0 && index < count
  }

  static func run(_ arguments: ParsedArguments) throws {
    throw arguments.notAvailable
  }
}
