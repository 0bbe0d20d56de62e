import Foundation
import Tensor
import TestSupport
import Testing

/// The SIMD16 loops have a vector body and a scalar tail; these shapes (rows of 37,
/// 100 and 197 values) run both, against plain Double references and finite
/// differences, since the PyTorch fixtures use short rows.
@Suite("Vector bodies and tails")
struct VectorPathTests {
  let check = GradientCheck()

  @Test("softmax and layerNorm rows of 197 against Double references")
  func forwardReferences() {
    let d = 197
    let values = testValues(3 * d, seed: 70, scale: 4)
    let x = Tensor(values, shape: [3, d])
    let softmax = x.softmax(axis: -1).toArray()
    let normalized = Tensor.layerNorm(x, weight: nil, bias: nil, eps: 1e-5).toArray()
    for r in 0..<3 {
      let row = values[(r * d)..<((r + 1) * d)].map(Double.init)
      let maximum = row.max()!
      let total = row.map { Foundation.exp($0 - maximum) }.reduce(0, +)
      let mean = row.reduce(0, +) / Double(d)
      let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)
      for j in 0..<d {
        let expected = Foundation.exp(row[j] - maximum) / total
        #expect(Swift.abs(Double(softmax[r * d + j]) - expected) <= 1e-6 * expected + 1e-9)
        let expectedNorm = (row[j] - mean) / (variance + 1e-5).squareRoot()
        #expect(Swift.abs(Double(normalized[r * d + j]) - expectedNorm) <= 2e-6)
      }
    }
  }

  @Test("sums over rows of 100 and columns against Double references")
  func sums() {
    let values = testValues(7 * 100, seed: 71)
    let x = Tensor(values, shape: [7, 100])
    let rows = x.sum(axis: 1).toArray()
    let columns = x.sum(axis: 0).toArray()
    for r in 0..<7 {
      let expected = values[(r * 100)..<((r + 1) * 100)].map(Double.init).reduce(0, +)
      #expect(Swift.abs(Double(rows[r]) - expected) <= 1e-5)
    }
    for c in 0..<100 {
      let expected = (0..<7).map { Double(values[$0 * 100 + c]) }.reduce(0, +)
      #expect(Swift.abs(Double(columns[c]) - expected) <= 1e-5)
    }
  }

  @Test("gradients through the vector paths")
  func gradients() {
    let x = testTensor([2, 37], seed: 72, scale: 2)
    let w = testTensor([37], seed: 73)
    let b = testTensor([37], seed: 74)
    #expect(check.mismatches([x]) { t in t[0].softmax(axis: -1) } == [])
    #expect(check.mismatches([x]) { t in t[0].logSoftmax(axis: -1) } == [])
    #expect(
      check.mismatches([x, w, b]) { t in Tensor.layerNorm(t[0], weight: t[1], bias: t[2]) } == [])
    #expect(check.mismatches([x]) { t in (t[0] * 0.5).exp() + t[0].gelu() } == [])

    let q = testTensor([1, 1, 3, 4], seed: 75)
    let k = testTensor([1, 1, 37, 4], seed: 76)
    let v = testTensor([1, 1, 37, 2], seed: 77)
    #expect(
      check.mismatches([q, k, v]) { t in
        Tensor.scaledDotProductAttention(query: t[0], key: t[1], value: t[2])
      } == [])

    let image = testTensor([2, 2, 5, 7], seed: 78, scale: 2)
    let gamma = testTensor([2], seed: 79)
    #expect(
      check.mismatches([image, gamma]) { t in
        Tensor.batchNorm2d(
          t[0], weight: t[1], bias: nil, runningMean: nil, runningVar: nil, training: true)
      } == [])
  }
}
