/// A tensor as PyTorch stores it: a view (element offset, shape, strides) into a typed
/// storage of `storageCount` elements. `decode` validates the view against the storage
/// and copies its elements out, contiguous, converted to Float32 or Int64.
struct TensorView {
  var dtype: StoredDType
  var storageCount: Int
  var offset: Int
  var shape: [Int]
  var strides: [Int]

  /// Checks that every element of the view lies inside the storage. A view with more
  /// elements than its storage (possible only with zero strides, as `expand` makes) is
  /// refused, so the output is never larger than the file.
  func validate(at position: Int) throws -> Int {
    guard shape.count == strides.count else {
      throw CheckpointError.malformed(
        file: "", offset: position, expected: "as many strides as dimensions",
        found: "shape \(shape), strides \(strides)")
    }
    guard offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
      throw CheckpointError.malformed(
        file: "", offset: position, expected: "non-negative offset, sizes and strides",
        found: "offset \(offset), shape \(shape), strides \(strides)")
    }
    var count = 1
    var lastIndex = offset
    for (size, stride) in zip(shape, strides) {
      let product = count.multipliedReportingOverflow(by: size)
      guard !product.overflow else {
        throw CheckpointError.malformed(
          file: "", offset: position, expected: "a shape whose element count fits 64 bits",
          found: "shape \(shape)")
      }
      count = product.partialValue
      if size > 0 {
        let step = (size - 1).multipliedReportingOverflow(by: stride)
        let sum = lastIndex.addingReportingOverflow(step.partialValue)
        guard !step.overflow, !sum.overflow else {
          throw CheckpointError.malformed(
            file: "", offset: position, expected: "strides whose extent fits 64 bits",
            found: "shape \(shape), strides \(strides)")
        }
        lastIndex = sum.partialValue
      }
    }
    if count > 0 && (lastIndex >= storageCount || count > storageCount) {
      throw CheckpointError.malformed(
        file: "", offset: position,
        expected: "a view inside its storage of \(storageCount) elements",
        found: "offset \(offset), shape \(shape), strides \(strides)")
    }
    return count
  }

  /// The view's elements, row-major, read from `storage` (which holds exactly
  /// `storageCount` elements of `dtype`, little-endian).
  func decode(from storage: UnsafeRawBufferPointer, at position: Int) throws -> StoredTensor {
    let count = try validate(at: position)
    precondition(storage.count >= storageCount * dtype.byteWidth, "storage checked by caller")
    let indices = elementIndices(count: count)
    let width = dtype.byteWidth
    func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
      T(littleEndianBytes: UnsafeRawBufferPointer(rebasing: storage[(index * width)...]))
    }
    switch dtype {
    case .float32:
      return tensor(.float(indices.map { Float(bitPattern: load(UInt32.self, $0)) }))
    case .float64:
      return tensor(.float(indices.map { Float(Double(bitPattern: load(UInt64.self, $0))) }))
    case .float16:
      return tensor(
        .float(indices.map { HalfPrecision.float(fromHalfBits: load(UInt16.self, $0)) }))
    case .bfloat16:
      return tensor(
        .float(indices.map { HalfPrecision.float(fromBFloat16Bits: load(UInt16.self, $0)) }))
    case .int64:
      return tensor(.integer(indices.map { load(Int64.self, $0) }))
    case .int32:
      return tensor(.integer(indices.map { Int64(load(Int32.self, $0)) }))
    case .int16:
      return tensor(.integer(indices.map { Int64(load(Int16.self, $0)) }))
    case .int8:
      return tensor(.integer(indices.map { Int64(load(Int8.self, $0)) }))
    case .uint8:
      return tensor(.integer(indices.map { Int64(load(UInt8.self, $0)) }))
    case .bool:
      return tensor(.integer(indices.map { load(UInt8.self, $0) == 0 ? 0 : 1 }))
    }
  }

  private func tensor(_ values: StoredTensor.Values) -> StoredTensor {
    StoredTensor(dtype: dtype, shape: shape, values: values)
  }

  /// Storage indices of the view's elements in row-major order: a contiguous range when
  /// the strides are the row-major ones, else an odometer walk over the dimensions.
  private func elementIndices(count: Int) -> LazyMapSequence<Range<Int>, Int> {
    var contiguous = true
    var expected = 1
    for (size, stride) in zip(shape, strides).reversed() where size != 1 {
      if stride != expected { contiguous = false }
      expected *= size
    }
    if contiguous || count <= 1 {
      let start = offset
      return (0..<count).lazy.map { start + $0 }
    }
    // Row-major position to storage index: peel off one dimension at a time.
    let shape = self.shape
    let strides = self.strides
    let start = offset
    return (0..<count).lazy.map { position in
      var rest = position
      var index = start
      for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        index += (rest % shape[axis]) * strides[axis]
        rest /= shape[axis]
      }
      return index
    }
  }
}
