import Testing

@testable import Arguments

@Suite("Suggestions") struct SuggestionTests {
  @Test("edit distance counts insertions, deletions and substitutions")
  func editDistance() {
    #expect(Suggestion.editDistance("kitten", "sitting") == 3)  // the textbook example
    #expect(Suggestion.editDistance("", "abc") == 3)
    #expect(Suggestion.editDistance("abc", "abc") == 0)
    #expect(Suggestion.editDistance("--epoch", "--epochs") == 1)
    #expect(Suggestion.editDistance("ab", "ba") == 2)
  }

  @Test("the closest near name wins; far names and ambiguous prefixes give none")
  func closest() {
    let options = ["--batch-size", "--batch-norm", "--epochs", "--lr"]
    #expect(Suggestion.closest(to: "--epoch", among: options) == "--epochs")
    #expect(Suggestion.closest(to: "--batch-siz", among: options) == "--batch-size")
    #expect(Suggestion.closest(to: "--batch", among: options) == nil)
    #expect(Suggestion.closest(to: "--batch-s", among: options) == "--batch-size")
    #expect(Suggestion.closest(to: "--colour", among: options) == nil)
    #expect(Suggestion.closest(to: "pretrian", among: ["pretrain", "predict"]) == "pretrain")
  }
}
