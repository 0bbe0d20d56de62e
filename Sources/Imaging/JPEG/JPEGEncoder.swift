// Placeholder until the JPEG encoder lands (issue 5): the signature is the contract.

/// Chroma subsampling of an encoded JPEG.
public enum ChromaSubsampling: String, Sendable, CaseIterable {
  /// Full-resolution chroma (4:4:4).
  case none444 = "4:4:4"
  /// Chroma halved in both directions (4:2:0), the common camera layout.
  case half420 = "4:2:0"
}

/// A baseline JPEG encoder with the standard (Annex K) tables.
public enum JPEGEncoder {
  /// Encodes `image` at `quality` (1...100, libjpeg's scaling of the tables).
  public static func encode(
    _ image: RGBImage, quality: Int = 90, subsampling: ChromaSubsampling = .half420
  ) -> [UInt8] {
    preconditionFailure("the JPEG encoder is not built yet")
  }
}
