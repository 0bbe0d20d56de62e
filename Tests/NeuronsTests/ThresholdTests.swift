import Tensor
import Testing

@testable import Neurons

@Suite("Magnitude thresholds, the threshold study and pruning masks")
struct ThresholdTests {
  @Test("quickselect agrees with sorting at every position")
  func orderStatistic() {
    var generator = RandomGenerator(seed: 7)
    for n in [1, 2, 3, 10, 101, 1000] {
      // Few distinct values force many ties.
      let values = (0..<n).map { _ in Float(generator.int(below: 17)) }
      let sorted = values.sorted()
      for position in stride(from: 0, to: n, by: max(1, n / 13)) {
        var scratch = values
        #expect(MagnitudeThreshold.orderStatistic(&scratch, position) == sorted[position])
      }
    }
  }

  @Test("threshold indices follow the reference's v[min(k, N-1)] and v[-min(k, N-1)]")
  func thresholdIndices() throws {
    let values: [Float] = [5, -1, 3, -7, 2, 9, -4, 8, 6, 0]  // |v| sorted: 0 1 2 3 4 5 6 7 8 9
    let t = [Tensor(values, shape: [2, 5])]
    // k = ceil(0.25 * 10) = 3 -> v[3] = 3 ; largest: v[-3] = v[7] = 7.
    #expect(try MagnitudeThreshold.threshold(of: t, fraction: 0.25, smallest: true) == 3)
    #expect(try MagnitudeThreshold.threshold(of: t, fraction: 0.25, smallest: false) == 7)
    // k = 10 is clamped to N - 1 = 9.
    #expect(try MagnitudeThreshold.threshold(of: t, fraction: 1, smallest: true) == 9)
    #expect(try MagnitudeThreshold.threshold(of: t, fraction: 1, smallest: false) == 1)
    // k = 0: Python's v[-0] is v[0], so "largest" selects everything.
    #expect(try MagnitudeThreshold.threshold(of: t, fraction: 0, smallest: false) == 0)
    #expect(throws: NeuronsError.invalidFraction(name: "the percentage", value: 1.5)) {
      try MagnitudeThreshold.threshold(of: t, fraction: 1.5, smallest: true)
    }
  }

  @Test("the threshold study modifies the selected side only, in every scoped tensor")
  func thresholdStudy() throws {
    let conv = Tensor([0.1, -0.5, 2, -3], shape: [4, 1, 1, 1])
    let bn = Tensor([0.2, 5], shape: [2])
    var generator = RandomGenerator(seed: 1)
    let count = try ThresholdModification.apply(
      to: [("conv1.weight", conv), ("bn1.weight", bn)], threshold: 0.5, smallest: true,
      dropoutP: 0, mode: .zero, generator: &generator)
    #expect(count == 3)
    #expect(conv.toArray() == [0, 0, 2, -3])
    #expect(bn.toArray() == [0, 5])
  }

  @Test("uniform random init stays in [0, std) and dropout spares about p of the selection")
  func thresholdRandomAndDropout() throws {
    let n = 20_000
    let w = Tensor(repeating: 1, count: n)
    var generator = RandomGenerator(seed: 5)
    let count = try ThresholdModification.apply(
      to: [("w", w)], threshold: 1, smallest: true, dropoutP: 0.8, mode: .randomInit,
      noiseStd: 0.01, generator: &generator)
    // Binomial(20000, 0.2): mean 4000, sd about 57.
    #expect(Swift.abs(count - 4000) < 300)
    let changed = w.toArray().filter { $0 != 1 }
    #expect(changed.count == count)
    #expect(changed.allSatisfy { $0 >= 0 && $0 < 0.01 })
  }

  @Test("a mask removes exactly ceil(p N) weights when magnitudes are distinct")
  func maskCount() throws {
    var generator = RandomGenerator(seed: 11)
    let a = Tensor((0..<300).map { _ in generator.normal() }, shape: [10, 30])
    let b = Tensor((0..<77).map { _ in generator.normal() }, shape: [7, 11])
    let mask = try MagnitudeMask(prunable: [("a.weight", a), ("b.weight", b)], fraction: 0.1)
    // k = ceil(0.1 * 377) = 38: weights strictly below v[38] are removed, i.e. 38.
    #expect(mask.prunedCount == 38)
    let fractions = mask.prunedFractions
    #expect(fractions.map(\.name) == ["a.weight", "b.weight"])
    let removedA = mask.masks[0].tensor.toArray().filter { $0 == 0 }.count
    #expect(fractions[0].fraction == (Double(removedA) / 300 * 10_000).rounded() / 10_000)
  }

  @Test("weights equal to the threshold are kept")
  func maskTies() throws {
    let w = Tensor([1, 1, 1, 1, 2, 3], shape: [6])
    let mask = try MagnitudeMask(prunable: [("w", w)], fraction: 0.5)
    // k = 3, v[3] = 1: |w| >= 1 keeps everything.
    #expect(mask.threshold == 1)
    #expect(mask.prunedCount == 0)
  }
}

extension Tensor {
  fileprivate convenience init(repeating value: Float, count: Int) {
    self.init(shape: [count], repeating: value)
  }
}
