import Checkpoints
import Foundation
import Neurons
import TestSupport
import Testing

@testable import Experiments

/// The neurons chosen here agree with the reference's selection rules run in PyTorch
/// (scripts/make_selection_fixtures.py) on a ResNet-shaped state dict read from `.pth`.
/// The script's `--reference-checkout` runs the reference's own get_largest_neuron and
/// get_most_activated_neuron on the same tensors and fails unless they choose what
/// expected.json holds (checked 2026-12-04 against utils/utils.py at cfeba6eb).
@Suite("Selection against the reference's rules in PyTorch")
struct ReferenceSelectionTests {
  struct Expected: Decodable {
    var largest: [[Pick]]
    var mostActivated: [[Pick]]

    enum CodingKeys: String, CodingKey {
      case largest
      case mostActivated = "most_activated"
    }
  }

  /// One `[name, index, value]` triple.
  enum Pick: Decodable {
    case text(String)
    case number(Double)

    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let text = try? container.decode(String.self) {
        self = .text(text)
      } else {
        self = .number(try container.decode(Double.self))
      }
    }

    var text: String? { if case .text(let t) = self { return t } else { return nil } }
    var number: Double? { if case .number(let n) = self { return n } else { return nil } }
  }

  func expected() throws -> Expected {
    let data = try Data(contentsOf: Fixtures.url("selection/expected.json"))
    return try JSONDecoder().decode(Expected.self, from: data)
  }

  func parameters(_ file: String) throws -> [NamedParameter] {
    StateDictBridge.tensors(of: try Checkpoint.load(contentsOf: Fixtures.url("selection/\(file)")))
  }

  func check(_ chosen: [Neuron], against picks: [[Pick]]) {
    #expect(chosen.count == picks.count)
    for (neuron, pick) in zip(chosen, picks) {
      #expect(neuron.parameter == pick[0].text)
      #expect(neuron.index == Int(pick[1].number ?? -1))
      let value = pick[2].number ?? .nan
      #expect(Swift.abs(Double(neuron.score) - value) <= 1e-6 * value, "\(neuron) vs \(value)")
    }
  }

  @Test("get_largest_neuron's picks: no bn/downsample/fc, first maximum wins, greedy")
  func largest() throws {
    let picks = try expected().largest
    let chosen = try GreedySelection.topChannels(
      of: try parameters("weights.pth"), k: picks.count, rule: .largestConvolutions)
    check(chosen, against: picks)
  }

  @Test("get_most_activated_neuron's picks: every 4-D weight, downsample included")
  func mostActivated() throws {
    let picks = try expected().mostActivated
    let chosen = try GreedySelection.topChannels(
      of: try parameters("gradients.pth"), k: picks.count, rule: .allConvolutions)
    check(chosen, against: picks)
  }
}
