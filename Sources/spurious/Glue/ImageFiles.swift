import Datasets
import Foundation
import Imaging

/// Reading and writing the single image files that `predict`, `image` and `bench jpeg`
/// take on the command line.
enum ImageFiles {
  /// Why an image file could not be used; the message names the file.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The bytes of `path`, or an error naming it.
  static func bytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      let exists = FileManager.default.fileExists(atPath: path)
      throw Failure(
        description: "cannot read image '\(path)': "
          + (exists ? "it is not a readable file" : "no such file"))
    }
    return [UInt8](data)
  }

  /// The decoded image of `path` (JPEG or binary PPM).
  static func read(_ path: String) throws -> RGBImage {
    try decode(try bytes(path), path: path)
  }

  /// Decodes the bytes of the file `path`.
  static func decode(_ bytes: [UInt8], path: String) throws -> RGBImage {
    do {
      return try ImageFileDecoder.decode(bytes)
    } catch {
      throw Failure(description: "'\(path)' is not a usable image: \(error)")
    }
  }

  /// Writes `bytes` to `path` atomically (a temporary file renamed into place).
  static func write(_ bytes: [UInt8], to path: String) throws {
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw Failure(description: "cannot write '\(path)': \(error.localizedDescription)")
    }
  }

  /// `image` mirrored left to right (the training transform's flip).
  static func flippedHorizontally(_ image: RGBImage) -> RGBImage {
    var pixels = image.pixels
    let row = image.width * 3
    for y in 0..<image.height {
      for x in 0..<image.width {
        let source = y * row + (image.width - 1 - x) * 3
        let target = y * row + x * 3
        pixels[target] = image.pixels[source]
        pixels[target + 1] = image.pixels[source + 1]
        pixels[target + 2] = image.pixels[source + 2]
      }
    }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }
}
