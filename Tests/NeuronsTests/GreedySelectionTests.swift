import Tensor
import Testing

@testable import Neurons

@Suite("Greedy top-k channel selection")
struct GreedySelectionTests {
  @Test("largest study picks what a brute-force sort of all candidates picks")
  func largestMatchesBruteForce() throws {
    for seed in UInt64(1)...5 {
      let parameters = miniatureResNetParameters(seed: seed)
      let chosen = try GreedySelection.topChannels(
        of: parameters, k: 6, rule: .largestConvolutions)
      // Independent rule: 4-D, no bn/downsample/fc in the name.
      let candidates = bruteForceCandidates(parameters) { name, shape in
        shape.count == 4 && !name.contains("bn") && !name.contains("downsample")
          && !name.contains("fc")
      }
      // Stable sort descending: first in model order wins ties, as the reference.
      let expected = candidates.enumerated().sorted {
        $0.element.norm != $1.element.norm
          ? $0.element.norm > $1.element.norm : $0.offset < $1.offset
      }.prefix(6).map(\.element)
      #expect(chosen.map(\.parameter) == expected.map(\.name))
      #expect(chosen.map(\.index) == expected.map(\.channel))
      for (neuron, reference) in zip(chosen, expected) {
        #expect(Swift.abs(Double(neuron.score) - reference.norm) <= 1e-6 * reference.norm)
      }
    }
  }

  @Test("the largest rule skips downsample and head even when they are larger")
  func largestExclusions() throws {
    let parameters = miniatureResNetParameters(seed: 9)
    let chosen = try GreedySelection.topChannels(
      of: parameters, k: 14, rule: .largestConvolutions)
    #expect(!chosen.contains { $0.parameter.contains("downsample") })
    #expect(!chosen.contains { $0.parameter.contains("fc") || $0.parameter.contains("bn") })
    // 4 + 5 + 5 candidate channels in all: asking for one more fails clearly.
    #expect(throws: NeuronsError.notEnoughNeurons(requested: 15, available: 14)) {
      try GreedySelection.topChannels(of: parameters, k: 15, rule: .largestConvolutions)
    }
  }

  @Test("the most-activated rule includes downsample convolutions")
  func activatedIncludesDownsample() throws {
    let parameters = miniatureResNetParameters(seed: 3)
    let chosen = try GreedySelection.topChannels(of: parameters, k: 1, rule: .allConvolutions)
    // The downsample weights were scaled by 10, so one of them must win.
    #expect(chosen[0].parameter == "layer1.0.downsample.0.weight")
  }

  @Test("ties go to the earlier parameter, then the earlier channel")
  func tiesPickFirst() throws {
    let a = Tensor([0, 0, 3, 4, 3, 4], shape: [3, 2, 1, 1])  // norms 0, 5, 5
    let b = Tensor([5, 0], shape: [2, 1, 1, 1])  // norms 5, 0
    let chosen = try GreedySelection.topChannels(
      of: [("conv1.weight", a), ("layer1.0.conv1.weight", b)], k: 3, rule: .largestConvolutions)
    #expect(chosen.map(\.parameter) == ["conv1.weight", "conv1.weight", "layer1.0.conv1.weight"])
    #expect(chosen.map(\.index) == [1, 2, 0])
    #expect(chosen.map(\.score) == [5, 5, 5])
  }

  @Test("transformer rule ranks output rows of the block linears only")
  func transformerRows() throws {
    let qkv = Tensor([1, 1, 3, 0, 0, 0], shape: [3, 2])
    let norm = Tensor([100, 100], shape: [2])
    let head = Tensor([50, 50, 50, 50], shape: [2, 2])
    let fc2 = Tensor([0, 2, 0, 0], shape: [2, 2])
    let chosen = try GreedySelection.topChannels(
      of: [
        ("blocks.0.attn.qkv.weight", qkv), ("blocks.0.norm1.weight", norm),
        ("head.0.weight", head), ("blocks.0.mlp.fc2.weight", fc2),
      ], k: 2, rule: .transformerLinears)
    #expect(chosen.map(\.parameter) == ["blocks.0.attn.qkv.weight", "blocks.0.mlp.fc2.weight"])
    #expect(chosen.map(\.index) == [1, 0])
  }

  @Test("a model with no candidate parameter is an error, not an empty answer")
  func noCandidates() {
    #expect(throws: NeuronsError.noCandidates(rule: "largestConvolutions")) {
      try GreedySelection.topChannels(
        of: [("fc.0.weight", Tensor.ones([2, 2]))], k: 1, rule: .largestConvolutions)
    }
  }
}
