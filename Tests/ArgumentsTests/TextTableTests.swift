import Arguments
import Testing

@Suite("TextTable") struct TextTableTests {
  func sample() -> TextTable {
    var table = TextTable(["group", "n", "accuracy"], alignments: [.left, .right, .right])
    table.append(["landbird on land", "3498", "0.9914"])
    table.append(["waterbird on water", "1057", "0.8123"])
    table.append(["a|b", "6", "1"])
    return table
  }

  @Test("plain: columns aligned by width, numbers right-aligned, no trailing spaces")
  func plain() {
    let expected = """
      group                  n  accuracy
      ------------------  ----  --------
      landbird on land    3498    0.9914
      waterbird on water  1057    0.8123
      a|b                    6         1

      """
    #expect(sample().rendered() == expected)
  }

  @Test("markdown: alignment markers, escaped pipes, padded cells")
  func markdown() {
    let expected = """
      | group              |    n | accuracy |
      | ------------------ | ---: | -------: |
      | landbird on land   | 3498 |   0.9914 |
      | waterbird on water | 1057 |   0.8123 |
      | a\\|b               |    6 |        1 |

      """
    #expect(sample().rendered(.markdown) == expected)
  }
}
