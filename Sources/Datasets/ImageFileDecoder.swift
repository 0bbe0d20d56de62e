import Imaging

/// Decodes an image file's bytes by its signature: JPEG (the datasets' format) or binary
/// PPM (`P6`, 8-bit), which tests and hand-made folders can write without an encoder.
public enum ImageFileDecoder {
  /// Why bytes could not be turned into an image.
  public struct Failure: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
  }

  /// Decodes `bytes`; the error's text says what was wrong.
  public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
    if bytes.starts(with: [0xFF, 0xD8]) {
      do {
        return try JPEGDecoder.decode(bytes)
      } catch {
        throw Failure(reason: "JPEG: \(error)")
      }
    }
    if bytes.starts(with: Array("P6".utf8)) {
      do {
        return try PPM.read(bytes)
      } catch {
        throw Failure(reason: "\(error)")
      }
    }
    let head = bytes.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")
    throw Failure(reason: "neither JPEG nor PPM (first bytes \(head))")
  }

  /// A binary PPM file of `image` (for tests and debugging).
  public static func encodePPM(_ image: RGBImage) -> [UInt8] {
    PPM.write(image)
  }
}
