import Arguments

/// The root of the command tree: `spurious <command>`.
enum SpuriousCommand: Command {
  static let name = "spurious"
  static let summary =
    "Reproduce \"Uncovering Memorization Effect in the Presence of Spurious Correlations\" "
    + "(Nature Communications 2025) on the CPU."
  static let discussion = """
    Exit status: 0 success, 1 the command failed, 2 the command line is wrong, 3 stopped \
    cleanly after Ctrl-C, 130 killed by a second Ctrl-C.
    """
  static let subcommands: [any Command.Type] = [
    PretrainCommand.self,
    EvaluateCommand.self,
    StudyCommand.self,
    PruneFinetuneCommand.self,
    PredictCommand.self,
    SynthCommand.self,
    ImageCommand.self,
    CheckpointCommand.self,
    BenchCommand.self,
    SweepCommand.self,
    ReportCommand.self,
    DemoCommand.self,
    HelpCommand.self,
    VersionCommand.self,
  ]
}
