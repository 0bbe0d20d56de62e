/// The exit statuses of `spurious`, fixed so scripts and job schedulers can rely on them.
/// They are listed in `spurious --help` too; keep the two in step.
enum ExitStatus {
  /// The command did what was asked (also `--help`, `--version`, bare `spurious`).
  static let success: Int32 = 0
  /// The command ran and failed: unreadable file, bad checkpoint, failed run.
  static let failure: Int32 = 1
  /// The command line was wrong: unknown option, bad value, missing argument.
  static let usage: Int32 = 2
  /// The command stopped early after one Ctrl-C, leaving its files consistent.
  static let interrupted: Int32 = 3
  /// A second Ctrl-C (or a first one in a command that cannot stop cleanly) ended the
  /// process at once; 128 + SIGINT, as shells report it.
  static let killedByInterrupt: Int32 = 130
}
