/// A parsed argument value: what a `ValueKind` turns the text on the command line into.
public enum ArgumentValue: Equatable {
  case integer(Int)
  case number(Double)
  /// Text, paths, choice names and custom values keep the text as typed.
  case text(String)
  /// A comma-separated list, each element parsed with the list's element kind.
  case list([ArgumentValue])
}
