import Foundation
import Testing

@testable import Experiments

@Suite("GroupMetrics")
struct GroupMetricsTests {
  // Six samples, hand-checked: column 0 is P(y=1).
  //   i  y  g  output        predicted y  correct
  //   0  1  3  [0.9, 0.1]    1            yes
  //   1  1  2  [0.2, 0.8]    0            no
  //   2  0  0  [0.3, 0.7]    0            yes
  //   3  0  1  [0.5, 0.5]    1 (tie)      no
  //   4  1  3  [0.5, 0.5]    1 (tie)      yes
  //   5  0  0  [0.6, 0.4]    1            no
  let outputs: [Float] = [0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.5, 0.5, 0.5, 0.5, 0.6, 0.4]
  let labels = [1, 1, 0, 0, 1, 0]
  let groups = [3, 2, 0, 1, 3, 0]

  @Test("per-group counts and accuracies, ties pick column 0 (predict y = 1)")
  func handComputed() {
    let m = GroupMetrics(
      outputs: outputs, labels: labels, groups: groups, trainingCounts: [4, 3, 2, 1])
    #expect(m.groups.map(\.count) == [2, 1, 1, 2])
    #expect(m.groups.map(\.correct) == [1, 0, 0, 2])
    #expect(m.groupAccuracies == [0.5, 0, 0, 1])
    #expect(m.accuracy == 3.0 / 6.0)
    #expect(m.worstGroupAccuracy == 0)
    #expect(m.worstGroup == 1)
    #expect(m.meanGroupAccuracy == 0.375)
    // (4*0.5 + 3*0 + 2*0 + 1*1) / 10
    #expect(m.trainingWeightedAccuracy == 0.3)
  }

  @Test("target rows [y, 1-y] give the same result as labels")
  func targetRows() {
    let targets: [Float] = labels.flatMap { [Float($0), Float(1 - $0)] }
    let a = GroupMetrics(outputs: outputs, labels: labels, groups: groups)
    let b = GroupMetrics(outputs: outputs, targets: targets, groups: groups)
    #expect(a == b)
  }

  @Test("an empty group has NaN accuracy, is left out of worst and mean, and makes averag NaN")
  func emptyGroup() {
    let m = GroupMetrics(
      outputs: [0.9, 0.1, 0.1, 0.9], labels: [1, 0], groups: [3, 0], trainingCounts: [1, 1, 1, 1])
    #expect(m.groups[1].count == 0)
    #expect(m.groups[1].accuracy.isNaN)
    #expect(m.worstGroupAccuracy == 1)
    #expect(m.meanGroupAccuracy == 1)
    #expect(m.trainingWeightedAccuracy.isNaN)
    #expect(PythonFloat.fixed(m.groups[1].accuracy, digits: 4) == "nan")
  }

  @Test("no samples at all: worst and mean are nil, accuracy NaN")
  func noSamples() {
    let m = GroupMetrics(outputs: [], labels: [], groups: [])
    #expect(m.worstGroupAccuracy == nil)
    #expect(m.meanGroupAccuracy == nil)
    #expect(m.accuracy.isNaN)
  }

  @Test("NaN outputs follow torch.argmax: the first NaN is the maximum")
  func nanOutputs() {
    #expect(argmax2(.nan, 1) == 0)
    #expect(argmax2(1, .nan) == 1)
    #expect(argmax2(0.5, 0.5) == 0)
  }

  @Test("legends: reference spelling only when asked, minority groups from training counts")
  func legends() {
    #expect(DatasetGroups.celebA.legend(split: "train", reference: true)[3] == "Blone Male: 1387")
    #expect(DatasetGroups.celebA.legend(split: "train")[3] == "Blond Male: 1387")
    #expect(DatasetGroups.waterbirds.legend(split: "test")[0] == "Land Bird on Land: 2255")
    #expect(DatasetGroups.waterbirds.minorityGroups == [1, 2])
    #expect(DatasetGroups.celebA.minorityGroups == [2, 3])
    #expect(DatasetGroups.generic().names[2] == "y=1,a=0")
  }
}

@Suite("groupCrossEntropy")
struct GroupCrossEntropyTests {
  @Test("matches -log softmax of the true column, averaged per group (hand computed)")
  func handComputed() {
    // Sample 0: y=1, output [0.9, 0.1] -> -log(e^0.9 / (e^0.9 + e^0.1)) = log(1 + e^-0.8)
    // Sample 1: y=0, output [0.9, 0.1] -> log(1 + e^0.8); both in group 0.
    // Sample 2: y=1, output [0.5, 0.5] in group 3 -> log 2.
    let losses = groupCrossEntropy(
      outputs: [0.9, 0.1, 0.9, 0.1, 0.5, 0.5], labels: [1, 0, 1], groups: [0, 0, 3])
    let expected0 = (log(1 + exp(-0.8)) + log(1 + exp(0.8))) / 2
    #expect(abs(losses[0] - expected0) < 1e-7)
    #expect(losses[1].isNaN && losses[2].isNaN)
    #expect(abs(losses[3] - log(2)) < 1e-12)
  }
}
