import Dispatch
import Foundation

/// Ctrl-C handling.
///
/// By default the first Ctrl-C ends the process at once (status 130), as for any tool.
/// A command that can stop cleanly (training between batches, a sweep between runs)
/// calls `allowGracefulStop()` first; then the first Ctrl-C only sets `isRequested`,
/// which the command polls at safe points before finishing its files and returning (the
/// launcher then exits with status 3), and a second Ctrl-C ends the process at once.
///
/// The signal is received by a dispatch source rather than a C handler, so the reaction
/// runs as ordinary Swift code on a dispatch thread, even while the main thread computes.
enum Interrupt {
  private static let lock = NSLock()
  private static var requested = false
  private static var graceful = false
  private static var source: DispatchSourceSignal?

  /// Starts listening for SIGINT; called once by the launcher.
  static func install() {
    lock.lock()
    defer { lock.unlock() }
    guard source == nil else { return }
    signal(SIGINT, SIG_IGN)  // the dispatch source sees the signal instead
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler(handler: received)
    source.resume()
    self.source = source
  }

  /// Declares that the running command polls `isRequested` and can stop cleanly.
  static func allowGracefulStop() {
    lock.lock()
    defer { lock.unlock() }
    graceful = true
  }

  /// Whether the user pressed Ctrl-C during a command that stops gracefully.
  static var isRequested: Bool {
    lock.lock()
    defer { lock.unlock() }
    return requested
  }

  /// Throws `CommandFailure.interrupted` once Ctrl-C was pressed; for loops that prefer
  /// unwinding to returning.
  static func check(_ command: String) throws {
    if isRequested { throw CommandFailure.interrupted(command: command) }
  }

  private static func received() {
    lock.lock()
    let stopNow = !graceful || requested
    requested = true
    lock.unlock()
    if stopNow {
      Console.diagnostic("\n")
      _exit(ExitStatus.killedByInterrupt)
    }
    Console.diagnostic(
      "\ninterrupt: stopping after the current step (press Ctrl-C again to quit now)\n")
  }
}
