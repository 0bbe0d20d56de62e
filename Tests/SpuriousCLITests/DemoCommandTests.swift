import Foundation
import TestSupport
import Testing

/// `spurious demo --quick` runs every step on generated data and prints its report.
@Suite("spurious demo")
struct DemoCommandTests {
  @Test("the quick demo trains, studies, prune-finetunes and prints the three sections")
  func quickDemo() throws {
    let folder = Fixtures.temporaryDirectory("demo")
    let outcome = try CommandRunner.run(
      ["demo", "--quick", "--out", folder.appendingPathComponent("demo").path, "--threads", "2"])
    #expect(outcome.status == 0, "\(outcome)")
    let text = outcome.standardOutput
    #expect(text.contains("## 1. ERM model"))
    #expect(text.contains("## 2. Zeroing the k largest neurons"))
    #expect(text.contains("## 3. Prune-finetune"))
    #expect(text.contains("| before (ERM checkpoint)"))
    let runs = folder.appendingPathComponent("demo")
    for file in ["erm/result.json", "study_train_top1/study.json", "prune_finetune/result.json"] {
      #expect(
        FileManager.default.fileExists(atPath: runs.appendingPathComponent(file).path), "\(file)")
    }
  }
}
