// libFuzzer harness for the Checkpoints readers (pickle, zip, safetensors).
//
// Build and run from the package root (Linux, Swift toolchain with libFuzzer):
//
//   mkdir -p /tmp/fuzz-corpus && cp Tests/Fixtures/checkpoints/* /tmp/fuzz-corpus/
//   swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name CheckpointsFuzz \
//     Sources/Checkpoints/*.swift scripts/fuzz_checkpoints.swift -o /tmp/fuzz-checkpoints
//   /tmp/fuzz-checkpoints /tmp/fuzz-corpus -max_total_time=300 -max_len=65536 -rss_limit_mb=2048
//
// The harness is compiled into the library's module, so it reaches the internal readers.
// The first input byte picks the target: odd bytes read the rest as a whole checkpoint
// file (format detected as users' files are); even bytes read it as a bare pickle
// stream (the object of a legacy .pth), so pickle mutations are not all stopped by the
// zip format's CRC check. Any outcome other than a value or a CheckpointError (a trap, an
// ASan report, a timeout, memory above the limit) is a finding.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func checkpointsFuzzTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
  if data[0] & 1 == 1 {
    _ = try? Checkpoint.read(bytes, release: { _ in })
  } else {
    var reader = PickleReader(bytes) { _, at in
      StorageReference(key: "0", dtype: .float32, count: at % 64)
    }
    if let node = try? reader.readObject() {
      let storage = [UInt8](repeating: 0, count: 256)
      _ = try? storage.withUnsafeBytes { raw in
        try reader.graph.value(of: node) { box in
          try box.view.decode(from: raw, at: box.position)
        }
      }
    }
  }
  return 0
}
