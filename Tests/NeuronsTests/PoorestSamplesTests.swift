import Testing

@testable import Neurons

@Suite("Poorest-performing samples of a group")
struct PoorestSamplesTests {
  // Five samples; columns are [P(y=1), P(y=0)].
  let probabilities: [Float] = [
    0.9, 0.1,  // 0: group 0 (y=0), P(true) = 0.1
    0.2, 0.8,  // 1: group 0, P(true) = 0.8
    0.6, 0.4,  // 2: group 2 (y=1), P(true) = 0.6
    0.5, 0.5,  // 3: group 0, P(true) = 0.5
    0.3, 0.7,  // 4: group 2, P(true) = 0.3
  ]
  let groups = [0, 0, 2, 0, 2]

  @Test("ranks by the probability of the true class, lowest first")
  func ranking() {
    #expect(
      PoorestSamples.positions(probabilities: probabilities, groups: groups, group: 0)
        == [0, 3, 1])
    #expect(
      PoorestSamples.positions(probabilities: probabilities, groups: groups, group: 2)
        == [4, 2])
    #expect(
      PoorestSamples.positions(probabilities: probabilities, groups: groups, group: 0, count: 2)
        == [0, 3])
    #expect(
      PoorestSamples.positions(probabilities: probabilities, groups: groups, group: 1)
        .isEmpty)
  }
}
