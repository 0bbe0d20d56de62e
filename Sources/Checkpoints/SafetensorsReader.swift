/// Reads safetensors: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {"key": "value"}}`), then the raw little-endian tensor data, with
/// offsets relative to its start (huggingface/safetensors, README "Format").
enum SafetensorsReader {
  /// Headers larger than this are refused (the reference implementation's limit).
  static let maximumHeaderSize = 100_000_000

  struct Contents {
    /// Tensors in the order of their data in the file.
    var tensors: [(name: String, tensor: StoredTensor)]
    var metadata: [String: String]
  }

  private struct Slot {
    var name: String
    var dtype: StoredDType
    var shape: [Int]
    var begin: Int
    var end: Int
  }

  /// Whether `bytes` plausibly start a safetensors file (a sane header length followed by
  /// a JSON object).
  static func looksLike(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count >= 10 else { return false }
    let length = UInt64(littleEndianBytes: bytes)
    return length <= UInt64(bytes.count - 8) && bytes[8] == UInt8(ascii: "{")
  }

  static func read(_ bytes: UnsafeRawBufferPointer, release: (Range<Int>) -> Void) throws
    -> Contents
  {
    var reader = ByteReader(bytes)
    let headerLength = try reader.length64()
    guard headerLength <= maximumHeaderSize else {
      throw CheckpointError.malformed(
        file: "", offset: 0, expected: "a header of at most \(maximumHeaderSize) bytes",
        found: "\(headerLength)")
    }
    let header = try reader.take(headerLength)
    let dataStart = reader.position
    let dataLength = bytes.count - dataStart
    let json: PickleValue
    do {
      json = try JSONText.parse(header)
    } catch CheckpointError.malformed(let file, let offset, let expected, let found) {
      // The parser counts from the header's start, which is byte 8 of the file.
      throw CheckpointError.malformed(
        file: file, offset: offset + 8, expected: expected, found: found)
    }
    guard let object = json.entries else {
      throw CheckpointError.malformed(
        file: "", offset: 8, expected: "a JSON object as header", found: json.kindDescription)
    }

    var metadata: [String: String] = [:]
    var slots: [Slot] = []
    for entry in object {
      guard case .string(let name) = entry.key else { continue }
      if name == "__metadata__" {
        guard let entries = entry.value.entries else {
          throw malformed("__metadata__ to be an object of strings", entry.value.kindDescription)
        }
        for field in entries {
          guard case .string(let key) = field.key, case .string(let text) = field.value else {
            throw malformed("__metadata__ values to be strings", field.value.kindDescription)
          }
          metadata[key] = text
        }
        continue
      }
      slots.append(try slot(name, entry.value, dataLength: dataLength))
    }

    // Tensors may not share bytes: sorted by start, each must begin after the last ends.
    slots.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    for (previous, next) in zip(slots, slots.dropFirst()) where next.begin < previous.end {
      throw malformed(
        "tensors with disjoint data_offsets",
        "'\(previous.name)' [\(previous.begin), \(previous.end)) overlaps "
          + "'\(next.name)' [\(next.begin), \(next.end))")
    }

    var tensors: [(name: String, tensor: StoredTensor)] = []
    tensors.reserveCapacity(slots.count)
    for slot in slots {
      let count = (slot.end - slot.begin) / slot.dtype.byteWidth
      let view = TensorView(
        dtype: slot.dtype, storageCount: count, offset: 0, shape: slot.shape,
        strides: rowMajorStrides(slot.shape))
      let range = (dataStart + slot.begin)..<(dataStart + slot.end)
      let tensor = try view.decode(from: UnsafeRawBufferPointer(rebasing: bytes[range]), at: 8)
      release(range)
      tensors.append((slot.name, tensor))
    }
    return Contents(tensors: tensors, metadata: metadata)
  }

  private static func slot(_ name: String, _ value: PickleValue, dataLength: Int) throws
    -> Slot
  {
    guard case .string(let dtypeName) = value["dtype"] ?? .none,
      let shapeValues = value["shape"]?.items,
      let offsetValues = value["data_offsets"]?.items, offsetValues.count == 2
    else {
      throw malformed(
        "'\(name)' to have dtype, shape and data_offsets [begin, end]", value.kindDescription)
    }
    guard let dtype = StoredDType(safetensorsName: dtypeName) else {
      throw CheckpointError.unsupported(
        file: "", offset: 8, feature: "safetensors dtype '\(dtypeName)' of '\(name)'")
    }
    let shape = try shapeValues.map { try nonNegative($0, "'\(name)' shape") }
    let begin = try nonNegative(offsetValues[0], "'\(name)' data_offsets")
    let end = try nonNegative(offsetValues[1], "'\(name)' data_offsets")
    guard begin <= end, end <= dataLength else {
      throw malformed(
        "'\(name)' data_offsets within the \(dataLength) data bytes", "[\(begin), \(end)]")
    }
    var bytes = dtype.byteWidth
    for size in shape {
      let product = bytes.multipliedReportingOverflow(by: size)
      guard !product.overflow else {
        throw malformed("'\(name)' shape whose size fits 64 bits", "\(shape)")
      }
      bytes = product.partialValue
    }
    guard bytes == end - begin else {
      throw malformed(
        "'\(name)' of \(dtype) \(shape) to span \(bytes) bytes", "\(end - begin) bytes")
    }
    return Slot(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
  }

  private static func nonNegative(_ value: PickleValue, _ what: String) throws -> Int {
    guard case .int(let int) = value, int >= 0 else {
      throw malformed("non-negative integers in \(what)", value.kindDescription)
    }
    return int
  }

  private static func malformed(_ expected: String, _ found: String) -> CheckpointError {
    .malformed(file: "", offset: 8, expected: expected, found: found)
  }
}

/// Row-major strides of `shape` (last dimension contiguous).
func rowMajorStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var step = 1
  for axis in shape.indices.reversed() {
    strides[axis] = step
    step = step &* max(shape[axis], 1)
  }
  return strides
}
