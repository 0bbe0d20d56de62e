/// Pickles plain values and tensors with protocol 2, as `torch.save` does, collecting
/// each tensor as a storage to be written beside the pickle. The output uses only
/// globals in `torch.load(weights_only=True)`'s allow-list.
struct TorchPickler {
  private(set) var bytes: [UInt8] = []
  /// Tensors in the order of their storage keys (`"0"`, `"1"`, ...).
  private(set) var storages: [StoredTensor] = []

  private typealias Op = PickleOpcode

  mutating func pickle(_ value: PickleValue) {
    bytes = [Op.proto, 2]
    storages = []
    emit(value)
    bytes.append(Op.stop)
  }

  private mutating func emit(_ value: PickleValue) {
    switch value {
    case .none: bytes.append(Op.none)
    case .bool(let flag): bytes.append(flag ? Op.newTrue : Op.newFalse)
    case .int(let int): integer(int)
    case .bigInt(let raw):
      bytes.append(Op.long4)
      bytes += le(UInt32(raw.count)) + raw
    case .float(let double):
      bytes.append(Op.binFloat)
      bytes += le(double.bitPattern.byteSwapped)  // BINFLOAT is big-endian
    case .string(let text): string(text)
    case .bytes(let raw):
      // Protocol 2 has no bytes opcode; Python writes _codecs.encode(latin-1 text).
      global("_codecs", "encode")
      string(String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) })))
      string("latin1")
      bytes += [Op.tuple2, Op.reduce]
    case .list(let items):
      bytes.append(Op.emptyList)
      if !items.isEmpty {
        bytes.append(Op.mark)
        for item in items { emit(item) }
        bytes.append(Op.appends)
      }
    case .tuple(let items): tuple(items)
    case .dict(let entries, let ordered):
      if ordered {
        global("collections", "OrderedDict")
        bytes += [Op.emptyTuple, Op.reduce]
      } else {
        bytes.append(Op.emptyDict)
      }
      if !entries.isEmpty {
        bytes.append(Op.mark)
        for entry in entries {
          emit(entry.key)
          emit(entry.value)
        }
        bytes.append(Op.setItems)
      }
    case .tensor(let tensor): self.tensor(tensor)
    }
  }

  /// `_rebuild_tensor_v2(storage, 0, shape, strides, False, OrderedDict())`.
  private mutating func tensor(_ tensor: StoredTensor) {
    let key = String(storages.count)
    storages.append(tensor)
    global("torch._utils", "_rebuild_tensor_v2")
    bytes.append(Op.mark)
    bytes.append(Op.mark)
    string("storage")
    global("torch", writtenDType(tensor).storageClassName)
    string(key)
    string("cpu")
    integer(tensor.elementCount)
    bytes += [Op.tuple, Op.binPersId]
    integer(0)
    tuple(tensor.shape.map { .int($0) })
    tuple(rowMajorStrides(tensor.shape).map { .int($0) })
    bytes.append(Op.newFalse)
    global("collections", "OrderedDict")
    bytes += [Op.emptyTuple, Op.reduce]
    bytes += [Op.tuple, Op.reduce]
  }

  private mutating func tuple(_ items: [PickleValue]) {
    switch items.count {
    case 0: bytes.append(Op.emptyTuple)
    case 1...3:
      for item in items { emit(item) }
      bytes.append(Op.tuple1 + UInt8(items.count - 1))
    default:
      bytes.append(Op.mark)
      for item in items { emit(item) }
      bytes.append(Op.tuple)
    }
  }

  private mutating func integer(_ value: Int) {
    if (0...0xFF).contains(value) {
      bytes += [Op.binInt1, UInt8(value)]
    } else if (0...0xFFFF).contains(value) {
      bytes.append(Op.binInt2)
      bytes += le(UInt16(value))
    } else if let small = Int32(exactly: value) {
      bytes.append(Op.binInt)
      bytes += le(small)
    } else {
      bytes += [Op.long1, 8]
      bytes += le(Int64(value))
    }
  }

  private mutating func string(_ text: String) {
    let utf8 = Array(text.utf8)
    bytes.append(Op.binUnicode)
    bytes += le(UInt32(utf8.count)) + utf8
  }

  private mutating func global(_ module: String, _ name: String) {
    bytes.append(Op.global)
    bytes += Array("\(module)\n\(name)\n".utf8)
  }
}
