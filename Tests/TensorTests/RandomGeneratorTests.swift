import Foundation
import Tensor
import TestSupport
import Testing

@Suite("RandomGenerator")
struct RandomGeneratorTests {
  @Test("xoshiro256** reproduces its reference stream")
  func referenceStream() {
    // State from SplitMix64 with seed 0: the values printed by the authors' reference C
    // code (xoshiro256starstar.c and splitmix64.c) seeded the same way.
    var g = RandomGenerator(seed: 0)
    let first = (0..<3).map { _ in g.next() }
    #expect(
      first == [11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768])
  }

  @Test("derived streams, uniform and normal values are pinned")
  func pinnedValues() {
    // Recorded once from this implementation after the distribution checks below
    // passed; they pin the streams so that any change to them is noticed.
    var g = RandomGenerator.derived(seed: 2026, stream: 3)
    #expect(g.next() == 12_903_128_505_275_184_237)
    #expect(g.uniform() == 0.830_868_54)
    #expect(g.normal() == 0.174_496_8)
    #expect(g.int(below: 1000) == 488)
  }

  @Test("uniform, normal and integer draws have the right moments")
  func moments() {
    var g = RandomGenerator(seed: 42)
    let n = 200_000
    var sum = 0.0
    var squares = 0.0
    for _ in 0..<n {
      let u = Double(g.uniform())
      #expect(u >= 0 && u < 1)
      sum += u
      squares += u * u
    }
    #expect(abs(sum / Double(n) - 0.5) < 0.005)
    #expect(abs(squares / Double(n) - 1.0 / 3.0) < 0.005)

    let normals = Tensor.normal([n], mean: 1, std: 2, generator: &g).toArray().map(Double.init)
    let mean = normals.reduce(0, +) / Double(n)
    let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
    #expect(abs(mean - 1) < 0.02)
    #expect(abs(variance - 4) < 0.06)

    var counts = [Int](repeating: 0, count: 7)
    for _ in 0..<70_000 { counts[g.int(below: 7)] += 1 }
    #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
  }

  @Test("permutations are permutations; derived streams are reproducible and distinct")
  func streams() {
    var g = RandomGenerator(seed: 7)
    let p = g.permutation(100)
    #expect(p.sorted() == Array(0..<100))
    #expect(p != Array(0..<100))
    var a = RandomGenerator.derived(seed: 7, stream: 1)
    var b = RandomGenerator.derived(seed: 7, stream: 1)
    var c = RandomGenerator.derived(seed: 7, stream: 2)
    let sa = (0..<4).map { _ in a.next() }
    #expect(sa == (0..<4).map { _ in b.next() })
    #expect(sa != (0..<4).map { _ in c.next() })
  }

  @Test("initialisers follow PyTorch's bounds and scales")
  func initialisers() {
    var g = RandomGenerator(seed: 3)
    // kaiming_uniform(a = sqrt 5) on [64, 32, 3, 3]: bound 1 / sqrt(288).
    let w = Tensor.kaimingUniform([64, 32, 3, 3], generator: &g).toArray()
    let bound = 1 / Float(288).squareRoot()
    #expect(w.allSatisfy { abs($0) <= bound })
    #expect(w.max()! > bound * 0.99)
    // kaiming_normal(fan_out, relu) on [256, 64, 1, 1]: std sqrt(2 / 256).
    let k = Tensor.kaimingNormal([256, 64, 1, 1], generator: &g).toArray().map(Double.init)
    let std = (k.map { $0 * $0 }.reduce(0, +) / Double(k.count)).squareRoot()
    #expect(abs(std - (2.0 / 256).squareRoot()) < 0.003)
    let t = Tensor.truncatedNormal([1000], std: 1, lower: -0.5, upper: 0.5, generator: &g)
    #expect(t.toArray().allSatisfy { abs($0) <= 0.5 })
  }
}
