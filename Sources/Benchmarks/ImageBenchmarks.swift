import Dispatch
import Foundation
import Imaging

/// Timed runs of the input pipeline, behind `spurious bench jpeg`: JPEG decoding
/// followed by the evaluation transform (resize, centre crop, normalisation), as the
/// data loader does for each evaluation image.
public enum ImageBenchmarks {
  /// One measurement: every file decoded and transformed once per repeat.
  public struct PipelineResult: Sendable {
    /// Worker threads, each handling a contiguous share of the files.
    public var threads: Int
    /// Images per repeat.
    public var images: Int
    /// Wall-clock seconds of each repeat, in order.
    public var seconds: [Double]

    /// `images / median(seconds)`.
    public var imagesPerSecond: Double {
      let sorted = seconds.sorted()
      return Double(images) / max(sorted[sorted.count / 2], 1e-12)
    }

    /// One JSON object on one line.
    public var jsonLine: String {
      "{\"benchmark\":\"jpeg+eval\",\"threads\":\(threads),\"images\":\(images),"
        + "\"repeats\":\(seconds.count),"
        + "\"images_per_second\":\(String(format: "%.1f", imagesPerSecond)),"
        + "\"images_per_second_per_thread\":"
        + "\(String(format: "%.1f", imagesPerSecond / Double(threads)))}"
    }

    /// A line for a terminal.
    public var tableLine: String {
      "jpeg+eval  threads \(threads)  images \(images)  "
        + "\(String(format: "%.1f", imagesPerSecond)) images/s  "
        + "(\(String(format: "%.1f", imagesPerSecond / Double(threads))) per thread)"
    }
  }

  /// Times decoding `files` (JPEG bytes, already in memory so the disk is not timed)
  /// plus `transform`, over `threads` concurrent workers, `repeats` times after one
  /// untimed pass. The files must decode (check them first with `JPEGDecoder.decode`).
  public static func pipeline(
    files: [[UInt8]], threads: Int, repeats: Int,
    transform: EvaluationTransform = EvaluationTransform()
  ) -> PipelineResult {
    precondition(!files.isEmpty && threads > 0 && repeats > 0, "ImageBenchmarks: empty run")
    let workers = threads
    let pass = {
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        var index = worker
        while index < files.count {
          if let image = try? JPEGDecoder.decode(files[index]) { _ = transform(image) }
          index += workers
        }
      }
    }
    pass()
    var seconds: [Double] = []
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      pass()
      seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return PipelineResult(threads: threads, images: files.count, seconds: seconds)
  }
}
