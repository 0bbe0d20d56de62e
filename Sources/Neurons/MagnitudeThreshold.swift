import Tensor

/// The global magnitude threshold of the threshold study and of pruning masks.
///
/// Both reference functions sort the absolute values of all prunable weights
/// ascending into `v` (N values), take `k = ceil(fraction * N)` and read
/// `v[min(k, N - 1)]`; the largest-magnitude variant reads `v[-min(k, N - 1)]`,
/// Python's index from the end, which for `k = 0` is `v[0]` (every weight selected).
/// Only that one order statistic is needed, so it is found by selection in O(N)
/// rather than by a full sort.
public enum MagnitudeThreshold {
  /// `ceil(fraction * count)`, computed as the reference does in Double.
  public static func rank(fraction: Double, count: Int) -> Int {
    Int((fraction * Double(count)).rounded(.up))
  }

  /// The threshold over the absolute values of `tensors`.
  ///
  /// - Parameters:
  ///   - fraction: the share of weights to select, in [0, 1].
  ///   - smallest: read from the small end (pruning; the threshold study's
  ///     `--smallest`) or the large end.
  public static func threshold(
    of tensors: [Tensor], fraction: Double, smallest: Bool
  ) throws -> Float {
    guard fraction >= 0 && fraction <= 1 else {
      throw NeuronsError.invalidFraction(name: "the percentage", value: fraction)
    }
    var magnitudes: [Float] = []
    magnitudes.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
    for tensor in tensors {
      tensor.withUnsafeBufferPointer { values in
        for v in values { magnitudes.append(Swift.abs(v)) }
      }
    }
    let n = magnitudes.count
    guard n > 0 else { throw NeuronsError.noCandidates(rule: "magnitude") }
    let m = min(rank(fraction: fraction, count: n), n - 1)
    let position = smallest ? m : (m == 0 ? 0 : n - m)
    return orderStatistic(&magnitudes, position)
  }

  /// The value that would stand at `position` if `values` were sorted ascending
  /// (quickselect with median-of-three pivots; `values` is reordered).
  public static func orderStatistic(_ values: inout [Float], _ position: Int) -> Float {
    precondition(position >= 0 && position < values.count, "orderStatistic: bad position")
    var low = 0
    var high = values.count - 1
    while low < high {
      let mid = low + (high - low) / 2
      // Median of three as pivot keeps sorted and reversed inputs linear.
      if values[mid] < values[low] { values.swapAt(mid, low) }
      if values[high] < values[low] { values.swapAt(high, low) }
      if values[high] < values[mid] { values.swapAt(high, mid) }
      let pivot = values[mid]
      var i = low
      var j = high
      while i <= j {
        while values[i] < pivot { i += 1 }
        while values[j] > pivot { j -= 1 }
        if i <= j {
          values.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if position <= j {
        high = j
      } else if position >= i {
        low = i
      } else {
        return values[position]
      }
    }
    return values[position]
  }
}
