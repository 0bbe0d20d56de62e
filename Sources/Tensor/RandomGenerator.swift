import Foundation

/// A seeded pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018) with its
/// state filled by SplitMix64 from a 64-bit seed, as the authors recommend.
///
/// Generation is sequential and uses only integer arithmetic, so a seed gives the same
/// stream on every platform and for every thread count. Independent streams for
/// different purposes (initialisation, shuffling, augmentation, dropout) come from one
/// run seed through `derived(stream:)`, which hashes the seed and a stream number
/// together; streams with different numbers do not overlap in practice.
public struct RandomGenerator: Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64
  /// The seed this generator was made from.
  public let seed: UInt64

  /// A generator whose stream is determined by `seed`.
  public init(seed: UInt64) {
    self.seed = seed
    var mixer = SplitMix64(state: seed)
    s0 = mixer.next()
    s1 = mixer.next()
    s2 = mixer.next()
    s3 = mixer.next()
  }

  /// An independent generator for sub-stream `stream` of `seed` (for example one per
  /// purpose, epoch or worker), not affected by how much any other stream was used.
  public static func derived(seed: UInt64, stream: UInt64) -> RandomGenerator {
    var mixer = SplitMix64(state: seed ^ 0x6A09_E667_F3BC_C909)
    let a = mixer.next()
    var streamMixer = SplitMix64(state: stream &+ a)
    return RandomGenerator(seed: streamMixer.next() ^ a.rotateLeft(17))
  }

  /// `derived(seed: self.seed, stream: stream)`.
  public func derived(stream: UInt64) -> RandomGenerator {
    RandomGenerator.derived(seed: seed, stream: stream)
  }

  /// A new generator seeded from this one's next output (this one advances by one).
  public mutating func split() -> RandomGenerator {
    RandomGenerator(seed: next())
  }

  /// The next 64 random bits (xoshiro256**).
  public mutating func next() -> UInt64 {
    let result = (s1 &* 5).rotateLeft(7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3.rotateLeft(45)
    return result
  }

  /// Uniform in [0, 1): the top 24 bits of `next()` scaled by 2^-24, so every value is
  /// a multiple of 2^-24 and 1 is never returned.
  public mutating func uniform() -> Float {
    Float(next() >> 40) * 0x1p-24
  }

  /// Uniform in [0, 1) with 53 random bits.
  public mutating func uniformDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// Uniform in [low, high).
  public mutating func uniform(_ low: Float, _ high: Float) -> Float {
    low + (high - low) * uniform()
  }

  /// A pair of independent standard normal values by the Box-Muller transform:
  /// `sqrt(-2 ln u1) * (cos 2 pi u2, sin 2 pi u2)` with `u1` in (0, 1] and `u2` in
  /// [0, 1), computed in Double.
  public mutating func normalPair() -> (Float, Float) {
    let u1 = 1 - uniformDouble()
    let u2 = uniformDouble()
    let radius = (-2 * Foundation.log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    return (Float(radius * Foundation.cos(angle)), Float(radius * Foundation.sin(angle)))
  }

  /// One standard normal value (the first of a `normalPair`; the second is dropped).
  public mutating func normal() -> Float {
    normalPair().0
  }

  /// True with probability `p`.
  public mutating func bernoulli(_ p: Double) -> Bool {
    uniformDouble() < p
  }

  /// Uniform in `0..<bound` without modulo bias (Lemire's multiply-and-reject method).
  public mutating func int(below bound: Int) -> Int {
    precondition(bound > 0, "RandomGenerator.int(below:): bound \(bound) must be positive")
    let n = UInt64(bound)
    var product = next().multipliedFullWidth(by: n)
    if product.low < n {
      let threshold = (0 &- n) % n
      while product.low < threshold {
        product = next().multipliedFullWidth(by: n)
      }
    }
    return Int(product.high)
  }

  /// Uniform in `range`.
  public mutating func int(in range: Range<Int>) -> Int {
    range.lowerBound + int(below: range.count)
  }

  /// Shuffles `values` in place (Fisher-Yates, from the last position down).
  public mutating func shuffle<T>(_ values: inout [T]) {
    if values.count < 2 { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
      values.swapAt(i, int(below: i + 1))
    }
  }

  /// A random ordering of `0..<count`.
  public mutating func permutation(_ count: Int) -> [Int] {
    var values = Array(0..<count)
    shuffle(&values)
    return values
  }

  /// Fills `buffer` with standard normal values, `mean + std * z`, pairs in order.
  public mutating func fillNormal(
    _ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1
  ) {
    var i = 0
    while i < buffer.count {
      let (a, b) = normalPair()
      buffer[i] = mean + std * a
      if i + 1 < buffer.count { buffer[i + 1] = mean + std * b }
      i += 2
    }
  }

  /// Fills `buffer` uniformly from [low, high).
  public mutating func fillUniform(
    _ buffer: UnsafeMutableBufferPointer<Float>, low: Float = 0, high: Float = 1
  ) {
    for i in 0..<buffer.count { buffer[i] = uniform(low, high) }
  }
}

/// SplitMix64 (Steele, Lea and Flood 2014; constants from Vigna's public-domain
/// version): used only to expand a seed into xoshiro's state.
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension UInt64 {
  @inline(__always)
  fileprivate func rotateLeft(_ k: UInt64) -> UInt64 {
    (self << k) | (self >> (64 - k))
  }
}
