/// The version of `spurious`, the one place it is written. `--version`, `spurious
/// version` and the run records print it.
enum Version {
  static let number = "0.1.0"
  /// `spurious 0.1.0`.
  static let line = "spurious \(number)"
}
