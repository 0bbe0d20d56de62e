import Datasets
import Tensor

extension Batch {
  /// The images of samples `range` as `[n, 3, H, W]`.
  func imageTensor(_ range: Range<Int>) -> Tensor {
    let perImage = 3 * height * width
    let values = Array(images[(range.lowerBound * perImage)..<(range.upperBound * perImage)])
    return Tensor(values, shape: [range.count, 3, height, width])
  }

  /// The label vectors `[y, 1 - y]` of samples `range` as `[n, 2]`.
  func targetTensor(_ range: Range<Int>) -> Tensor {
    Tensor(
      Array(targets[(2 * range.lowerBound)..<(2 * range.upperBound)]), shape: [range.count, 2])
  }

  /// `0..<count` cut into consecutive pieces of at most `size` samples.
  func chunks(of size: Int?) -> [Range<Int>] {
    let step = max(1, size ?? count)
    return stride(from: 0, to: count, by: step).map { $0..<min($0 + step, count) }
  }
}
