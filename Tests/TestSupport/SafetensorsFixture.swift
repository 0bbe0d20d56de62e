import Foundation
import Tensor

/// A minimal safetensors reader for test fixtures written by the scripts (F32 and I64
/// tensors; I64 values become Float). Independent of the Checkpoints target, so the
/// model tests do not rest on the code another test checks. Not for untrusted files:
/// it traps on anything unexpected.
public struct SafetensorsFixture {
  /// Tensors by name.
  public let tensors: [String: Tensor]

  /// Reads `url`.
  public init(contentsOf url: URL) throws {
    let data = try Data(contentsOf: url)
    let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + headerLength))
    let entries = header as! [String: Any]
    let base = 8 + headerLength
    var tensors: [String: Tensor] = [:]
    for (name, value) in entries where name != "__metadata__" {
      let entry = value as! [String: Any]
      let shape = entry["shape"] as! [Int]
      let offsets = entry["data_offsets"] as! [Int]
      let bytes = data.subdata(in: base + offsets[0]..<base + offsets[1])
      let values: [Float]
      switch entry["dtype"] as! String {
      case "F32":
        values = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
      case "I64":
        values = bytes.withUnsafeBytes { $0.bindMemory(to: Int64.self).map { Float($0) } }
      case let other:
        preconditionFailure("SafetensorsFixture: dtype \(other) of \(name) not supported")
      }
      tensors[name] = Tensor(values, shape: shape)
    }
    self.tensors = tensors
  }

  /// The tensor `name`; traps with the name when absent.
  public subscript(_ name: String) -> Tensor {
    guard let tensor = tensors[name] else {
      preconditionFailure("SafetensorsFixture: no tensor named \(name)")
    }
    return tensor
  }

  /// The tensors whose names start with `prefix`, with the prefix removed.
  public func withPrefix(_ prefix: String) -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    for (name, tensor) in tensors where name.hasPrefix(prefix) {
      result[String(name.dropFirst(prefix.count))] = tensor
    }
    return result
  }
}
