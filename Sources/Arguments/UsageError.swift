/// A mistake in the command line (unknown option, bad value, missing argument).
///
/// The executable prints `error: <message>` and a hint pointing at the command's help,
/// then exits with status 2. The message is a sentence without the `error: ` prefix.
public struct UsageError: Error, Equatable, CustomStringConvertible {
  /// What is wrong and where: "--epochs expects a non-negative integer, got '-3'".
  public let message: String
  /// The command whose help explains the fix ("spurious pretrain"); empty until the
  /// parser fills it in.
  public var commandPath: String = ""

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}
