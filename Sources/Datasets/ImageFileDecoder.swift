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
    if bytes.starts(with: Array("P6".utf8)) { return try decodePPM(bytes) }
    let head = bytes.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")
    throw Failure(reason: "neither JPEG nor PPM (first bytes \(head))")
  }

  /// Binary PPM: `P6`, width, height, maxval 255, each separated by whitespace (with `#`
  /// comments), one whitespace byte, then the RGB samples.
  static func decodePPM(_ bytes: [UInt8]) throws -> RGBImage {
    var i = 2
    func number() throws -> Int {
      while i < bytes.count {
        if bytes[i] == UInt8(ascii: "#") {
          while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
        } else if bytes[i] == 0x20 || (0x09...0x0D).contains(bytes[i]) {
          i += 1
        } else {
          break
        }
      }
      var value = 0
      var digits = 0
      while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]),
        digits < 7
      {
        value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
        digits += 1
        i += 1
      }
      guard digits > 0 else { throw Failure(reason: "PPM: expected a number at byte \(i)") }
      return value
    }
    let width = try number()
    let height = try number()
    let maxValue = try number()
    guard maxValue == 255 else {
      throw Failure(reason: "PPM: only 8-bit samples (maxval 255) are read, found \(maxValue)")
    }
    guard width > 0, height > 0, width * height <= 1 << 26 else {
      throw Failure(reason: "PPM: unusable size \(width)x\(height)")
    }
    i += 1
    let needed = width * height * 3
    guard bytes.count - i >= needed else {
      throw Failure(reason: "PPM: \(needed) sample bytes expected, \(bytes.count - i) present")
    }
    return RGBImage(width: width, height: height, pixels: Array(bytes[i..<(i + needed)]))
  }

  /// A binary PPM file of `image` (for tests and debugging).
  public static func encodePPM(_ image: RGBImage) -> [UInt8] {
    Array("P6\n\(image.width) \(image.height)\n255\n".utf8) + image.pixels
  }
}
