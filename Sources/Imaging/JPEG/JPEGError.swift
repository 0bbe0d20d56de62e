/// Why a JPEG could not be decoded. Every case says where (byte offset into the file)
/// and, where one applies, in which marker segment the problem was found.
public enum JPEGError: Error, Equatable, CustomStringConvertible {
  /// A valid JPEG that uses a process this decoder does not implement (arithmetic
  /// coding, 12-bit samples, lossless or hierarchical frames, CMYK/YCCK, DNL heights).
  case unsupported(String)
  /// The bytes do not start with a JPEG start-of-image marker (FF D8).
  case notJPEG(found: [UInt8])
  /// The file ends inside a marker segment or inside entropy-coded data.
  case truncated(marker: String, offset: Int, reason: String)
  /// A marker segment or the entropy-coded data contradicts the standard.
  case corrupt(marker: String, offset: Int, reason: String)
  /// The frame is larger than the decoder accepts (`maximumPixels`), or larger than a
  /// file of this size could encode; refused before anything is allocated.
  case tooLarge(width: Int, height: Int, reason: String)

  public var description: String {
    switch self {
    case .unsupported(let what):
      return "unsupported JPEG: \(what)"
    case .notJPEG(let found):
      let hex = found.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
      return "not a JPEG file: expected the start-of-image marker FF D8, found [\(hex)]"
    case .truncated(let marker, let offset, let reason):
      return "truncated JPEG: \(reason) (in \(marker), byte offset \(offset))"
    case .corrupt(let marker, let offset, let reason):
      return "corrupt JPEG: \(reason) (in \(marker), byte offset \(offset))"
    case .tooLarge(let width, let height, let reason):
      return "JPEG frame of \(width)x\(height) refused: \(reason)"
    }
  }

  /// Whether this error reports a process the decoder does not implement, as opposed to
  /// a damaged file.
  public var isUnsupported: Bool {
    if case .unsupported = self { return true }
    return false
  }
}

/// The conventional name of a JPEG marker code (the byte after FF), for error messages.
func jpegMarkerName(_ code: UInt8) -> String {
  switch code {
  case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF: return "SOF\(code - 0xC0)"
  case 0xC4: return "DHT"
  case 0xCC: return "DAC"
  case 0xD0...0xD7: return "RST\(code - 0xD0)"
  case 0xD8: return "SOI"
  case 0xD9: return "EOI"
  case 0xDA: return "SOS"
  case 0xDB: return "DQT"
  case 0xDC: return "DNL"
  case 0xDD: return "DRI"
  case 0xE0...0xEF: return "APP\(code - 0xE0)"
  case 0xFE: return "COM"
  default: return "marker FF \(String(code, radix: 16, uppercase: true))"
  }
}
