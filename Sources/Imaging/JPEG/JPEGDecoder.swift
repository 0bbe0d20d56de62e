// Placeholder until the JPEG decoder lands (issue 5): the signature is the contract.

/// Decodes baseline and progressive Huffman JPEG to RGB, as Pillow's `convert('RGB')`.
public enum JPEGDecoder {
  /// Decodes a whole JPEG file held in memory.
  public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
    throw JPEGError.unsupported("the JPEG decoder is not built yet")
  }
}

/// Why a JPEG could not be decoded.
public enum JPEGError: Error, Equatable {
  /// A valid JPEG that uses a process this decoder does not implement.
  case unsupported(String)
}
