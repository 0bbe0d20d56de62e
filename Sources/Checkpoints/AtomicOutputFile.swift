import Foundation

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#endif

/// A file written under a temporary name beside its destination and renamed over it
/// by `commit()`, so a killed run never leaves a half-written checkpoint. Writes are
/// buffered; `offset` counts the bytes written so far.
final class AtomicOutputFile {
  let destination: URL
  private let temporaryPath: String
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private static let bufferSize = 1 << 20
  private(set) var offset = 0

  init(_ destination: URL) throws {
    self.destination = destination
    let folder = destination.deletingLastPathComponent().path
    temporaryPath =
      folder + "/." + destination.lastPathComponent
      + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else {
      throw CheckpointError.io(
        file: destination.path,
        reason: "cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
    }
    buffer.reserveCapacity(Self.bufferSize)
  }

  deinit {
    // Not committed: remove the partial file.
    if descriptor >= 0 {
      close(descriptor)
      unlink(temporaryPath)
    }
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    offset += bytes.count
    if buffer.count + bytes.count <= Self.bufferSize {
      buffer.append(contentsOf: bytes)
      return
    }
    try flush()
    if bytes.count >= Self.bufferSize {
      try writeAll(bytes)
    } else {
      buffer.append(contentsOf: bytes)
    }
  }

  func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  func write(_ text: String) throws {
    try write(Array(text.utf8))
  }

  /// Little-endian integers of fixed width.
  func write<T: FixedWidthInteger>(littleEndian value: T) throws {
    try withUnsafeBytes(of: value.littleEndian) { try write($0) }
  }

  /// Flushes, syncs and renames the file into place.
  func commit() throws {
    try flush()
    guard fsync(descriptor) == 0, close(descriptor) == 0 else {
      throw failure("cannot finish writing")
    }
    descriptor = -1
    guard rename(temporaryPath, destination.path) == 0 else {
      let error = failure("cannot rename the temporary file into place")
      unlink(temporaryPath)
      throw error
    }
  }

  private func flush() throws {
    try buffer.withUnsafeBytes { try writeAll($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
    var done = 0
    while done < bytes.count {
      let written = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { throw failure("cannot write") }
      done += written
    }
  }

  private func failure(_ what: String) -> CheckpointError {
    .io(file: destination.path, reason: "\(what): \(String(cString: strerror(errno)))")
  }
}
