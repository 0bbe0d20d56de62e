import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file writes that never leave a half-written file behind: the bytes go to a
/// hidden temporary file in the same folder, are flushed to disk (`fsync`), and the
/// temporary file is then renamed over the destination, which POSIX makes atomic.
/// A reader sees either the old content or the new, never a mix.
public enum AtomicFile {
  /// The prefix of temporary files; `RunDirectory` ignores names that start with it.
  public static let temporaryPrefix = ".tmp-"

  /// Writes `data` to `url` atomically, creating or replacing the file.
  public static func write(_ data: Data, to url: URL) throws {
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(
      "\(temporaryPrefix)\(url.lastPathComponent)-\(getpid())-\(UUID().uuidString.prefix(8))")
    let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else {
      throw ExperimentsError.io(path: temporary.path, operation: "create", reason: lastError())
    }
    var failure: ExperimentsError?
    data.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count, failure == nil {
        let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = .io(path: temporary.path, operation: "write", reason: lastError())
        } else {
          offset += written
        }
      }
    }
    if failure == nil, fsync(descriptor) != 0 {
      failure = .io(path: temporary.path, operation: "flush to disk", reason: lastError())
    }
    close(descriptor)
    if failure == nil, rename(temporary.path, url.path) != 0 {
      failure = .io(path: url.path, operation: "rename into place", reason: lastError())
    }
    if let failure {
      unlink(temporary.path)
      throw failure
    }
    syncFolder(folder)
  }

  /// Writes `text` as UTF-8, atomically.
  public static func write(_ text: String, to url: URL) throws {
    try write(Data(text.utf8), to: url)
  }

  /// Makes the rename itself durable; failure here only weakens crash safety, so it is
  /// not reported.
  private static func syncFolder(_ folder: URL) {
    let descriptor = open(folder.path, O_RDONLY)
    if descriptor >= 0 {
      fsync(descriptor)
      close(descriptor)
    }
  }

  static func lastError() -> String { String(cString: strerror(errno)) }

  // `write` the POSIX call, not the method being defined here.
  private static func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
      return Glibc.write(fd, bytes, count)
    #else
      return Darwin.write(fd, bytes, count)
    #endif
  }
}
