import Tensor
import Testing

@testable import Neurons

@Suite("Neuron modification")
struct ModificationTests {
  let neuron = Neuron(parameter: "layer1.0.conv2.weight", index: 2, score: 1)

  func weight() -> Tensor {
    Tensor((0..<(4 * 3 * 2 * 2)).map { Float($0) + 1 }, shape: [4, 3, 2, 2])
  }

  /// Values outside channel `index` (12 values per channel here) are unchanged.
  func expectOnlyChannelChanged(_ before: [Float], _ after: [Float], channel: Int) {
    for i in before.indices where i / 12 != channel {
      #expect(before[i] == after[i], "value \(i) outside the channel changed")
    }
  }

  @Test("zero clears exactly the chosen channel")
  func zero() throws {
    let w = weight()
    let before = w.toArray()
    var generator = RandomGenerator(seed: 1)
    try NeuronModification.apply(.zero, to: neuron, weight: w, generator: &generator)
    let after = w.toArray()
    expectOnlyChannelChanged(before, after, channel: 2)
    #expect(after[24..<36].allSatisfy { $0 == 0 })
  }

  @Test("rewind copies the channel from the earlier state and nothing else")
  func rewind() throws {
    let w = weight()
    let old = w * -1
    let before = w.toArray()
    var generator = RandomGenerator(seed: 1)
    try NeuronModification.apply(
      .rewind, to: neuron, weight: w, rewindSource: old, generator: &generator)
    let after = w.toArray()
    expectOnlyChannelChanged(before, after, channel: 2)
    #expect(Array(after[24..<36]) == before[24..<36].map { -$0 })
    #expect(throws: NeuronsError.self) {
      try NeuronModification.apply(.rewind, to: neuron, weight: w, generator: &generator)
    }
  }

  @Test("random modes are reproducible from the seed and touch only the channel")
  func randomModes() throws {
    for mode in [ModificationMode.randomInit, .randomNoise] {
      let first = weight()
      let second = weight()
      let before = first.toArray()
      var g1 = RandomGenerator(seed: 42)
      var g2 = RandomGenerator(seed: 42)
      try NeuronModification.apply(mode, to: neuron, weight: first, noiseStd: 0.1, generator: &g1)
      try NeuronModification.apply(mode, to: neuron, weight: second, noiseStd: 0.1, generator: &g2)
      #expect(first.toArray() == second.toArray())
      expectOnlyChannelChanged(before, first.toArray(), channel: 2)
      let changed = zip(before[24..<36], first.toArray()[24..<36]).filter { $0 != $1 }.count
      #expect(changed == 12)
      if mode == .randomInit {
        // N(0, 0.1^2) values: all small, unrelated to the old weights (25...36).
        #expect(first.toArray()[24..<36].allSatisfy { Swift.abs($0) < 1 })
      }
    }
  }
}
