/// Binary PPM (Netpbm "P6") with 8-bit samples: the simplest lossless RGB file, used by
/// `spurious image` to write decoded images and read test images.
///
/// Reading accepts what Netpbm writes: the magic `P6`, then width, height and maxval as
/// decimal numbers separated by whitespace, with `#` comments running to the end of a
/// line, then exactly one whitespace byte and the raster. Only maxval 255 is supported
/// (16-bit PPM would need a different sample type); other values throw `.unsupported`.
public enum PPM {
  /// Why bytes could not be read as a PPM image.
  public enum Error: Swift.Error, Equatable, CustomStringConvertible {
    /// Not a binary PPM: the first two bytes are not `P6`.
    case notPPM(found: [UInt8])
    /// A header field is missing or malformed (offset of the byte that was wrong).
    case malformedHeader(offset: Int, reason: String)
    /// A valid PPM this reader does not handle (maxval other than 255).
    case unsupported(String)
    /// The raster is shorter than width * height * 3 bytes.
    case truncated(expected: Int, found: Int)

    public var description: String {
      switch self {
      case .notPPM(let found):
        return "not a binary PPM: expected 'P6', found bytes \(found)"
      case .malformedHeader(let offset, let reason):
        return "malformed PPM header at byte offset \(offset): \(reason)"
      case .unsupported(let what):
        return "unsupported PPM: \(what)"
      case .truncated(let expected, let found):
        return "truncated PPM: the raster needs \(expected) bytes, found \(found)"
      }
    }
  }

  /// The largest image `read` accepts, in pixels (2^28), so that a forged header cannot
  /// make it allocate more than the file holds or an absurd amount.
  public static let maximumPixels = 1 << 28

  /// Writes `image` as `P6\n<width> <height>\n255\n` followed by the RGB raster.
  public static func write(_ image: RGBImage) -> [UInt8] {
    Array("P6\n\(image.width) \(image.height)\n255\n".utf8) + image.pixels
  }

  /// Reads a binary PPM with maxval 255. Bytes after the raster are ignored (a file may
  /// hold several images; this returns the first).
  public static func read(_ bytes: [UInt8]) throws -> RGBImage {
    guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "6") else {
      throw Error.notPPM(found: Array(bytes.prefix(2)))
    }
    var position = 2
    func skipWhitespaceAndComments() {
      while position < bytes.count {
        let byte = bytes[position]
        if byte == UInt8(ascii: "#") {
          while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D {
            position += 1
          }
        } else if isWhitespace(byte) {
          position += 1
        } else {
          return
        }
      }
    }
    func readNumber(_ field: String) throws -> Int {
      let start = position
      guard isWhitespace(bytes[position - 1]) else {
        throw Error.malformedHeader(offset: position, reason: "expected whitespace before \(field)")
      }
      var value = 0
      while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
        value = value * 10 + Int(bytes[position] - 0x30)
        guard value <= 1 << 30 else {
          throw Error.malformedHeader(offset: start, reason: "\(field) is absurdly large")
        }
        position += 1
      }
      guard position > start else {
        let found = position < bytes.count ? "byte \(bytes[position])" : "the end of the file"
        throw Error.malformedHeader(offset: start, reason: "expected \(field), found \(found)")
      }
      return value
    }

    skipWhitespaceAndComments()
    let width = try readNumber("the width")
    skipWhitespaceAndComments()
    let height = try readNumber("the height")
    skipWhitespaceAndComments()
    let maxval = try readNumber("the maximum value")
    guard width > 0, height > 0 else {
      throw Error.malformedHeader(offset: position, reason: "size \(width)x\(height)")
    }
    guard maxval == 255 else {
      throw Error.unsupported("maximum value \(maxval) (only 255 is read)")
    }
    guard position < bytes.count, isWhitespace(bytes[position]) else {
      throw Error.malformedHeader(offset: position, reason: "expected whitespace after maxval")
    }
    position += 1
    guard width * height <= maximumPixels else {
      throw Error.unsupported("\(width)x\(height) exceeds \(maximumPixels) pixels")
    }
    let expected = width * height * 3
    let available = bytes.count - position
    guard available >= expected else {
      throw Error.truncated(expected: expected, found: available)
    }
    return RGBImage(
      width: width, height: height, pixels: Array(bytes[position..<(position + expected)]))
  }

  private static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
  }
}
