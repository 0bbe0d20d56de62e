import Neurons
import Tensor

/// A miniature parameter list named like torchvision's ResNet50 with the reference's
/// Softmax head, so the name rules meet every case: a stem convolution, batch norm,
/// block convolutions, a downsample convolution and the `fc.0` head.
func miniatureResNetParameters(seed: UInt64) -> [NamedParameter] {
  var generator = RandomGenerator(seed: seed)
  func random(_ shape: [Int]) -> Tensor {
    let count = shape.reduce(1, *)
    return Tensor((0..<count).map { _ in generator.normal() }, shape: shape)
  }
  return [
    ("conv1.weight", random([4, 3, 3, 3])),
    ("bn1.weight", random([4])),
    ("bn1.bias", random([4])),
    ("layer1.0.conv1.weight", random([5, 4, 1, 1])),
    ("layer1.0.bn1.weight", random([5])),
    ("layer1.0.conv2.weight", random([5, 5, 3, 3])),
    ("layer1.0.downsample.0.weight", random([6, 4, 1, 1]) * 10),
    ("layer1.0.downsample.1.weight", random([6])),
    ("fc.0.weight", random([2, 6]) * 10),
    ("fc.0.bias", random([2])),
  ]
}

/// Every candidate channel's L2 norm, computed independently of the library with a
/// plain Double loop, in (parameter, channel) order.
func bruteForceCandidates(
  _ parameters: [NamedParameter], admit: (String, [Int]) -> Bool
) -> [(name: String, channel: Int, norm: Double)] {
  var result: [(String, Int, Double)] = []
  for (name, tensor) in parameters where admit(name, tensor.shape) {
    let values = tensor.toArray()
    let width = values.count / tensor.shape[0]
    for c in 0..<tensor.shape[0] {
      let slice = values[(c * width)..<((c + 1) * width)]
      result.append((name, c, slice.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()))
    }
  }
  return result
}
