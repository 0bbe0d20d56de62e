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
    switch dtype {
    case .float32:
      return tensor(.float(gather(count, storage, UInt32.self) { Float(bitPattern: $0) }))
    case .float64:
      return tensor(.float(gather(count, storage, UInt64.self) { Float(Double(bitPattern: $0)) }))
    case .float16:
      return tensor(.float(gather(count, storage, UInt16.self, HalfPrecision.float(fromHalfBits:))))
    case .bfloat16:
      return tensor(
        .float(gather(count, storage, UInt16.self, HalfPrecision.float(fromBFloat16Bits:))))
    case .int64: return tensor(.integer(gather(count, storage, Int64.self) { $0 }))
    case .int32: return tensor(.integer(gather(count, storage, Int32.self) { Int64($0) }))
    case .int16: return tensor(.integer(gather(count, storage, Int16.self) { Int64($0) }))
    case .int8: return tensor(.integer(gather(count, storage, Int8.self) { Int64($0) }))
    case .uint8: return tensor(.integer(gather(count, storage, UInt8.self) { Int64($0) }))
    case .bool: return tensor(.integer(gather(count, storage, UInt8.self) { $0 == 0 ? 0 : 1 }))
    }
  }

  /// Reads `count` elements stored as little-endian `Raw` and converts each: one tight
  /// loop for a contiguous view (the common case, and the bulk of a large checkpoint),
  /// an odometer walk over the strides otherwise.
  private func gather<Raw: FixedWidthInteger, Element>(
    _ count: Int, _ storage: UnsafeRawBufferPointer, _: Raw.Type,
    _ convert: (Raw) -> Element
  ) -> [Element] {
    let width = MemoryLayout<Raw>.size
    return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
      if isContiguous || count <= 1 {
        let base = offset &* width  // unused when the view is empty (offset unchecked)
        for index in 0..<count {
          let raw = storage.loadUnaligned(fromByteOffset: base + index * width, as: Raw.self)
          (buffer.baseAddress! + index).initialize(to: convert(Raw(littleEndian: raw)))
        }
      } else {
        var coordinates = [Int](repeating: 0, count: shape.count)
        var element = offset
        for index in 0..<count {
          let raw = storage.loadUnaligned(fromByteOffset: element * width, as: Raw.self)
          (buffer.baseAddress! + index).initialize(to: convert(Raw(littleEndian: raw)))
          // Advance the last coordinate, carrying into earlier ones. Wrapping arithmetic:
          // a size-1 dimension's stride is unchecked and may be huge, but it is added and
          // taken away again, so the index is exact.
          var axis = shape.count - 1
          while axis >= 0 {
            coordinates[axis] += 1
            element &+= strides[axis]
            if coordinates[axis] < shape[axis] { break }
            element &-= strides[axis] &* shape[axis]
            coordinates[axis] = 0
            axis -= 1
          }
        }
      }
      initialized = count
    }
  }

  /// Whether the strides are the row-major ones (dimensions of size 1 may have any).
  private var isContiguous: Bool {
    var expected = 1
    for (size, stride) in zip(shape, strides).reversed() where size != 1 {
      if stride != expected { return false }
      expected *= size
    }
    return true
  }

  private func tensor(_ values: StoredTensor.Values) -> StoredTensor {
    StoredTensor(dtype: dtype, shape: shape, values: values)
  }
}
