import Neurons
import Testing

@testable import Experiments

@Suite("StudyConfiguration file names")
struct StudyConfigurationTests {
  // Names as the reference's f-strings build them (REFERENCE.md 4.3-4.5).
  static let cases: [(StudyConfiguration, String)] = [
    (.init(kind: .largest, mode: .zero, topK: 3), "zero_global_top3_largest_neuron.txt"),
    (
      .init(kind: .largest, mode: .randomInit, topK: 1, noiseStd: 0.02),
      "random_init_std0.02_global_top1_largest_neuron.txt"
    ),
    (
      .init(kind: .largest, mode: .randomNoise, topK: 2, noiseStd: 0.005),
      "random_noise_std0.005_global_top2_largest_neuron.txt"
    ),
    (
      .init(kind: .largest, mode: .rewind, topK: 3, rewindEpochs: 10),
      "rewind_10epochs_back_global_top3_largest_neuron.txt"
    ),
    (
      .init(kind: .activated, mode: .randomInit, topK: 2, noiseStd: 0.01),
      "random_init_poorest_random_batch200_std0.01_global_top2_most_activated_neuron.txt"
    ),
    (
      .init(kind: .activated, mode: .rewind, topK: 1, rewindEpochs: 5),
      "rewind_poorest_random_batch200_5epochs_back_global_top1_most_activated_neuron.txt"
    ),
    (
      .init(kind: .activated, mode: .zero, topK: 10),
      "zero_poorest_random_batch200_global_top10_most_activated_neuron.txt"
    ),
    (
      .init(kind: .threshold, mode: .zero, percentage: 0.05, smallest: false),
      "zero_0.05_global_largest_neuron.txt"
    ),
    (
      .init(kind: .threshold, mode: .randomInit, percentage: 3e-05, smallest: true, noiseStd: 0.02),
      "random_init_3e-05_std0.02_global_smallest_neuron.txt"
    ),
    (
      .init(kind: .threshold, mode: .rewind, percentage: 2e-05, smallest: true, rewindEpochs: 5),
      "rewind_2e-05_5epochs_back_global_smallest_neuron.txt"
    ),
    (
      .init(kind: .largest, mode: .randomInit, topK: 1, noiseStd: 0),
      "random_init_std0.0_global_top1_largest_neuron.txt"
    ),
  ]

  @Test("names match the reference's f-strings and parse back", arguments: cases)
  func roundTrip(configuration: StudyConfiguration, name: String) {
    #expect(configuration.referenceFileName == name)
    #expect(StudyConfiguration.parse(referenceFileName: name) == configuration)
  }

  @Test("other names are not study files")
  func rejects() {
    for name in [
      "group_accuracy_evolution_in_training_set.txt", "zero_global_topX_largest_neuron.txt",
      "random_init_global_top1_largest_neuron.txt", "zero_std0.1_global_top1_largest_neuron.txt",
      "shuffle_global_top1_largest_neuron.txt", "zero_abc_global_smallest_neuron.txt",
    ] {
      #expect(StudyConfiguration.parse(referenceFileName: name) == nil, "\(name)")
    }
  }

  @Test("runs per configuration follow the reference: 10 random (3 activated), else 1")
  func runs() {
    #expect(StudyConfiguration(kind: .largest, mode: .randomInit, topK: 1).referenceRuns == 10)
    #expect(StudyConfiguration(kind: .activated, mode: .randomNoise, topK: 1).referenceRuns == 3)
    #expect(StudyConfiguration(kind: .threshold, mode: .zero, percentage: 0.1).referenceRuns == 1)
  }
}
