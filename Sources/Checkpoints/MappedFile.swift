import Foundation

#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#endif

/// A read-only, private memory map of a whole file. Checkpoints of a gigabyte or more
/// are read through this, so the only full copy in memory is the converted Float32
/// values; pages of the map are handed back to the kernel (`releasePages`) once their
/// tensor has been converted.
final class MappedFile {
  let bytes: UnsafeRawBufferPointer
  private let base: UnsafeMutableRawPointer?
  private let length: Int

  init(url: URL) throws {
    let path = url.path
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw CheckpointError.io(
        file: path, reason: "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw CheckpointError.io(
        file: path, reason: "cannot stat: \(String(cString: strerror(errno)))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      throw CheckpointError.io(file: path, reason: "not a regular file")
    }
    length = Int(status.st_size)
    if length == 0 {
      base = nil
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0)
    guard let address, address != MAP_FAILED else {
      throw CheckpointError.io(
        file: path, reason: "cannot map: \(String(cString: strerror(errno)))")
    }
    base = address
    bytes = UnsafeRawBufferPointer(start: address, count: length)
  }

  /// Tells the kernel the pages covering `range` are not needed for now: they stop
  /// counting against resident memory and are read again from the file if touched.
  func releasePages(_ range: Range<Int>) {
    guard let base, !range.isEmpty else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = (range.lowerBound / page) * page
    let end = min(length, range.upperBound)
    guard end > start else { return }
    _ = madvise(base + start, end - start, Int32(MADV_DONTNEED))
  }

  deinit {
    if let base { munmap(base, length) }
  }
}
