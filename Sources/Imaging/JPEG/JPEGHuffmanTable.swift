/// A Huffman decoding table built from a DHT segment (ITU T.81 Annex C and F.2.2.3).
///
/// Codes of up to `lookupBits` bits resolve with one table look-up; longer codes fall back
/// to the spec's `maxcode`/`valptr` search. The storage is unmanaged memory, freed on
/// deinit, so the scan decoder's inner loop reads it without bounds or ARC checks. It is
/// never mutated after `init`, hence safe to share between threads.
final class JPEGHuffmanTable: @unchecked Sendable {
  /// Bits resolved by the look-up table (most codes in practice are this short).
  static let lookupBits = 9

  /// `lookup[peek]` = length << 8 | symbol for codes of at most `lookupBits` bits, where
  /// `peek` is the next `lookupBits` bits of the stream; 0 when the code is longer.
  let lookup: UnsafeMutablePointer<UInt16>
  /// `maxCode[l]`: the largest code of length `l` (left-justified search), -1 if none.
  let maxCode: UnsafeMutablePointer<Int32>
  /// `valueOffset[l]`: index into `values` of the first code of length `l`, minus it.
  let valueOffset: UnsafeMutablePointer<Int32>
  /// The symbols in code order (up to 256).
  let values: UnsafeMutablePointer<UInt8>

  /// Whether 16 code-length counts describe a possible code: the canonical codes must
  /// stay below 2^length at every length, since the all-ones code is reserved (libjpeg
  /// rejects such tables the same way).
  static func isValid(counts: [Int]) -> Bool {
    guard counts.count == 16, counts.reduce(0, +) <= 256 else { return false }
    var code = 0
    for length in 1...16 {
      code += counts[length - 1]
      if counts[length - 1] > 0 && code >= 1 << length { return false }
      code <<= 1
    }
    return true
  }

  /// Builds the table from the 16 code-length counts and the symbols of a DHT segment;
  /// the counts must pass `isValid(counts:)`.
  init(counts: [Int], symbols: [UInt8]) {
    precondition(Self.isValid(counts: counts), "JPEGHuffmanTable: invalid counts \(counts)")
    lookup = .allocate(capacity: 1 << Self.lookupBits)
    lookup.initialize(repeating: 0, count: 1 << Self.lookupBits)
    maxCode = .allocate(capacity: 18)
    maxCode.initialize(repeating: -1, count: 18)
    valueOffset = .allocate(capacity: 17)
    valueOffset.initialize(repeating: 0, count: 17)
    values = .allocate(capacity: 256)
    values.initialize(repeating: 0, count: 256)
    for (i, symbol) in symbols.prefix(256).enumerated() { values[i] = symbol }

    // Canonical code assignment (Annex C): codes of each length count up from the last
    // code of the previous length, shifted left by one.
    var code: Int32 = 0
    var index: Int32 = 0
    for length in 1...16 {
      let count = Int32(counts[length - 1])
      valueOffset[length] = index - code
      if count > 0 {
        code += count
        index += count
        maxCode[length] = code - 1
      }
      code <<= 1
    }
    maxCode[17] = Int32.max  // sentinel: the slow search always stops by length 17

    // Fill the look-up table for the short codes.
    code = 0
    index = 0
    for length in 1...Self.lookupBits {
      for _ in 0..<counts[length - 1] {
        let shift = Self.lookupBits - length
        let first = Int(code) << shift
        let entry = UInt16(length << 8) | UInt16(values[Int(index)])
        for fill in 0..<(1 << shift) { lookup[first + fill] = entry }
        code += 1
        index += 1
      }
      code <<= 1
    }
  }

  deinit {
    lookup.deallocate()
    maxCode.deallocate()
    valueOffset.deallocate()
    values.deallocate()
  }
}
