/// A command of the tool: a leaf that runs (`spurious pretrain`) or a group that only
/// holds subcommands (`spurious study`).
///
/// A command is a type with static members, so declaring one is a small enum:
///
/// ```swift
/// enum Evaluate: Command {
///   static let name = "evaluate"
///   static let summary = "Measure per-group accuracy of a checkpoint."
///   static let arguments: [ArgumentSpec] = [
///     .option("checkpoint", .path, valueName: "FILE", required: true, help: "..."),
///     .flag("json", help: "Print the result as JSON."),
///   ]
///   static func run(_ arguments: ParsedArguments) throws {
///     let file = arguments.string("checkpoint")
///     ...
///   }
/// }
/// ```
///
/// `--help`/`-h` is added to every command by the parser; do not declare it.
public protocol Command {
  /// The word that selects the command on the command line.
  static var name: String { get }
  /// One sentence for listings and the top of the help page.
  static var summary: String { get }
  /// Paragraphs shown in the command's help after the summary (may be empty).
  static var discussion: String { get }
  /// The options and positionals, in the order help lists them.
  static var arguments: [ArgumentSpec] { get }
  /// For a group: its subcommands, in the order help lists them. A group has no
  /// arguments of its own and never runs.
  static var subcommands: [any Command.Type] { get }
  /// Does the work. Throws `UsageError` for a combination of arguments that the
  /// declarations cannot express, any other error for a runtime failure.
  static func run(_ arguments: ParsedArguments) throws
}

extension Command {
  public static var discussion: String { "" }
  public static var arguments: [ArgumentSpec] { [] }
  public static var subcommands: [any Command.Type] { [] }

  /// Groups never run: the parser answers a bare group with its help.
  public static func run(_ arguments: ParsedArguments) throws {
    preconditionFailure("'\(name)' is a command group; the parser never runs it")
  }
}
