import Arguments
import Testing

@Suite("ProgressText") struct ProgressTextTests {
  // 120 of 500 images in 5 s: 24 img/s, 380 left, so 15.8 s to go.
  let midway = ProgressSnapshot(
    label: "epoch 1 train", completed: 120, total: 500, elapsed: 5, unit: "img")

  @Test("the terminal bar fills in proportion and ends with count, rate and ETA")
  func bar() {
    let line = ProgressText.bar(midway, width: 72)
    #expect(line == "epoch 1 train [======>                   ] 120/500  24.0 img/s  ETA 0:16")
    #expect(line.count == 72)
  }

  @Test("without room for a bar, or without a total, only the status remains")
  func barlessStatus() {
    #expect(
      ProgressText.bar(midway, width: 50) == "epoch 1 train  120/500  24.0 img/s  ETA 0:16")
    var open = midway
    open.total = nil
    #expect(ProgressText.bar(open, width: 80) == "epoch 1 train  120  24.0 img/s  0:05")
  }

  @Test("log lines and the summary")
  func lines() {
    #expect(ProgressText.line(midway) == "epoch 1 train: 120/500 (24%)  24.0 img/s  ETA 0:16")
    var done = midway
    done.completed = 500
    done.elapsed = 3750
    #expect(ProgressText.summary(done) == "epoch 1 train: 500/500 in 1:02:30 (7.5 s/img)")
  }

  @Test("durations and the first, rateless, step")
  func edges() {
    #expect(ProgressText.duration(0) == "0:00")
    #expect(ProgressText.duration(59.6) == "1:00")
    #expect(ProgressText.duration(.infinity) == "0:00")
    let start = ProgressSnapshot(label: "x", completed: 0, total: 10, elapsed: 0)
    #expect(ProgressText.line(start) == "x: 0/10 (0%)  -- it/s  0:00")
  }
}
