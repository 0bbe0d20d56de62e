import Foundation

/// The executable's only way to write: results to standard output, diagnostics and
/// progress to standard error.
///
/// Writes are serialised by a lock, so lines from several threads never interleave, and
/// a progress bar drawn in place is erased before any other text reaches the terminal.
enum Console {
  private static let lock = NSLock()
  /// Whether a status line (progress bar) is on screen, to be erased before the next write.
  private static var statusVisible = false

  /// Whether standard error is a terminal, where progress can be redrawn in place.
  static let diagnosticsAreTerminal = isatty(STDERR_FILENO) != 0

  /// Columns of the terminal on standard error (80 when unknown).
  static var terminalWidth: Int {
    var size = winsize()
    if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      return Int(size.ws_col)
    }
    return 80
  }

  /// Writes results (tables, JSON, help) to standard output.
  static func output(_ text: String) {
    lock.lock()
    defer { lock.unlock() }
    write(text, to: FileHandle.standardOutput)
  }

  /// Writes a diagnostic (error, warning, plain progress line) to standard error.
  static func diagnostic(_ text: String) {
    lock.lock()
    defer { lock.unlock() }
    eraseStatus()
    write(text, to: FileHandle.standardError)
  }

  /// Draws `line` in place of the previous status line (terminal only).
  static func status(_ line: String) {
    lock.lock()
    defer { lock.unlock() }
    write("\r\u{1B}[K" + line, to: FileHandle.standardError)
    statusVisible = true
  }

  /// Removes the status line, if one is drawn.
  static func clearStatus() {
    lock.lock()
    defer { lock.unlock() }
    eraseStatus()
  }

  private static func eraseStatus() {
    guard statusVisible else { return }
    write("\r\u{1B}[K", to: FileHandle.standardError)
    statusVisible = false
  }

  /// A closed pipe (`spurious report | head`) is not worth a crash: the write is dropped.
  private static func write(_ text: String, to handle: FileHandle) {
    try? handle.write(contentsOf: Data(text.utf8))
  }
}
