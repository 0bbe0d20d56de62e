/// The element type a tensor had in its file.
///
/// Floating types are converted to Float32 on reading; integer and bool types are kept
/// as Int64 values (`num_batches_tracked`, masks, optimizer steps in old files).
public enum StoredDType: String, CaseIterable, Sendable {
  case float32, float16, bfloat16, float64
  case int64, int32, int16, int8, uint8, bool

  /// Bytes per element in the file.
  public var byteWidth: Int {
    switch self {
    case .float64, .int64: return 8
    case .float32, .int32: return 4
    case .float16, .bfloat16, .int16: return 2
    case .int8, .uint8, .bool: return 1
    }
  }

  /// Whether values are kept as Float32 (otherwise as Int64).
  public var isFloatingPoint: Bool {
    switch self {
    case .float32, .float16, .bfloat16, .float64: return true
    default: return false
    }
  }

  /// The safetensors name (`F32`, `BF16`, `I64`, `BOOL`, ...).
  public var safetensorsName: String {
    switch self {
    case .float32: return "F32"
    case .float16: return "F16"
    case .bfloat16: return "BF16"
    case .float64: return "F64"
    case .int64: return "I64"
    case .int32: return "I32"
    case .int16: return "I16"
    case .int8: return "I8"
    case .uint8: return "U8"
    case .bool: return "BOOL"
    }
  }

  init?(safetensorsName: String) {
    guard let match = Self.allCases.first(where: { $0.safetensorsName == safetensorsName })
    else { return nil }
    self = match
  }

  /// The PyTorch typed-storage class (`torch.FloatStorage`) holding this dtype.
  var storageClassName: String {
    switch self {
    case .float32: return "FloatStorage"
    case .float16: return "HalfStorage"
    case .bfloat16: return "BFloat16Storage"
    case .float64: return "DoubleStorage"
    case .int64: return "LongStorage"
    case .int32: return "IntStorage"
    case .int16: return "ShortStorage"
    case .int8: return "CharStorage"
    case .uint8: return "ByteStorage"
    case .bool: return "BoolStorage"
    }
  }

  init?(storageClassName: String) {
    guard let match = Self.allCases.first(where: { $0.storageClassName == storageClassName })
    else { return nil }
    self = match
  }
}

/// A named tensor read from or written to a checkpoint: its file dtype, its shape
/// (PyTorch order, row-major, `[]` for a scalar) and its values, contiguous.
public struct StoredTensor: Equatable, Sendable {
  /// The values, row-major: Float32 for floating dtypes, Int64 for the others.
  public enum Values: Equatable, Sendable {
    case float([Float])
    case integer([Int64])
  }

  public var dtype: StoredDType
  public var shape: [Int]
  public var values: Values

  /// A Float32 tensor (written as float32).
  public init(shape: [Int], floats: [Float]) {
    precondition(
      shape.reduce(1, *) == floats.count,
      "StoredTensor shape \(shape) does not hold \(floats.count) values")
    self.dtype = .float32
    self.shape = shape
    self.values = .float(floats)
  }

  /// An integer or bool tensor (`dtype` must not be floating).
  public init(shape: [Int], integers: [Int64], dtype: StoredDType = .int64) {
    precondition(!dtype.isFloatingPoint, "StoredTensor dtype \(dtype) is not an integer type")
    precondition(
      shape.reduce(1, *) == integers.count,
      "StoredTensor shape \(shape) does not hold \(integers.count) values")
    self.dtype = dtype
    self.shape = shape
    self.values = .integer(integers)
  }

  init(dtype: StoredDType, shape: [Int], values: Values) {
    self.dtype = dtype
    self.shape = shape
    self.values = values
  }

  /// The number of elements (the product of `shape`).
  public var elementCount: Int {
    switch values {
    case .float(let floats): return floats.count
    case .integer(let integers): return integers.count
    }
  }

  /// The values as Float32 (integers converted), row-major.
  public var floats: [Float] {
    switch values {
    case .float(let floats): return floats
    case .integer(let integers): return integers.map { Float($0) }
    }
  }

  /// The values as Int64 when the tensor holds integers, else nil.
  public var integers: [Int64]? {
    if case .integer(let integers) = values { return integers }
    return nil
  }

  /// The single value of a one-element tensor as a Double, else nil.
  public var scalarValue: Double? {
    guard elementCount == 1 else { return nil }
    switch values {
    case .float(let floats): return Double(floats[0])
    case .integer(let integers): return Double(integers[0])
    }
  }
}

/// Float16 and bfloat16 to Float32 by bit manipulation (no `Float16` type is needed,
/// which some platforms lack).
enum HalfPrecision {
  /// IEEE 754 binary16 to binary32, exact for every input including subnormals, infinities
  /// and NaNs (the payload is kept).
  static func float(fromHalfBits bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = Int((bits >> 10) & 0x1F)
    var mantissa = UInt32(bits & 0x03FF)
    if exponent == 0x1F {
      return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {
      if mantissa == 0 { return Float(bitPattern: sign) }
      // Subnormal: normalise the mantissa, lowering the exponent once per shift.
      var shifted = -1
      while mantissa & 0x0400 == 0 {
        mantissa <<= 1
        shifted += 1
      }
      mantissa &= 0x03FF
      let biased = UInt32(127 - 15 - shifted)
      return Float(bitPattern: sign | (biased << 23) | (mantissa << 13))
    }
    let biased = UInt32(exponent - 15 + 127)
    return Float(bitPattern: sign | (biased << 23) | (mantissa << 13))
  }

  /// bfloat16 is the top half of a binary32, so widening is a shift.
  static func float(fromBFloat16Bits bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
  }
}
