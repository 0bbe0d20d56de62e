/// A small seeded random generator for data augmentation and shuffling: xoshiro256**
/// (Blackman and Vigna, 2018) seeded through SplitMix64.
///
/// Each sample's augmentation draws from its own generator, derived from
/// `(seed, epoch, sample index)`, so the result does not depend on which thread handles
/// the sample or in which order. The stream is our own: it cannot reproduce PyTorch's
/// random numbers, only the procedure that consumes them.
public struct AugmentationGenerator: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// A generator for the stream named by `seed` and any number of further keys.
  public init(seed: UInt64, _ keys: UInt64...) {
    var mix = seed
    for key in keys {
      // Fold each key into the seed through one SplitMix64 step so that nearby keys
      // (epoch 1 vs 2, sample 7 vs 8) give unrelated streams.
      var state = mix ^ (key &* 0x9E37_79B9_7F4A_7C15)
      mix = Self.splitMix(&state)
    }
    var state = mix
    s0 = Self.splitMix(&state)
    s1 = Self.splitMix(&state)
    s2 = Self.splitMix(&state)
    s3 = Self.splitMix(&state)
  }

  private static func splitMix(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3 << 45 | s3 >> 19
    return result
  }

  /// A double uniform in `[0, 1)` with 53 random bits.
  public mutating func unit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A double uniform in `[lower, upper)`.
  public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
    lower + (upper - lower) * unit()
  }

  /// An integer uniform in `0 ..< bound` (bound > 0), without modulo bias (Lemire's
  /// multiply-and-reject), written out so the stream never depends on the standard
  /// library's implementation.
  public mutating func integer(below bound: Int) -> Int {
    precondition(bound > 0, "AugmentationGenerator.integer(below: \(bound))")
    let b = UInt64(bound)
    var product = next().multipliedFullWidth(by: b)
    if product.low < b {
      let threshold = (0 &- b) % b
      while product.low < threshold { product = next().multipliedFullWidth(by: b) }
    }
    return Int(product.high)
  }

  /// Shuffles `values` in place (Fisher-Yates, from the last position down).
  public mutating func shuffle<T>(_ values: inout [T]) {
    guard values.count > 1 else { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
      values.swapAt(i, integer(below: i + 1))
    }
  }
}
