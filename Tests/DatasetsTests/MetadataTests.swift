import Datasets
import Foundation
import TestSupport
import Testing

@Suite("Metadata layouts: Waterbirds, CelebA (three layouts), custom folders")
struct MetadataTests {
  static let waterbirds = """
    img_id,img_filename,y,split,place,place_filename
    1,001.Black_footed_Albatross/a.jpg,1,0,1,/o/ocean/1.jpg
    2,001.Black_footed_Albatross/b.jpg,1,2,0,/f/forest/2.jpg
    3,002.Laysan/c.jpg,0,0,0,/b/bamboo/3.jpg
    4,002.Laysan/d.jpg,0,1,1,/l/lake/4.jpg
    5,002.Laysan/e.jpg,0,0,1,/l/lake/5.jpg

    """

  @Test("Waterbirds rows become samples with group 2y+place and label [y, 1-y]")
  func waterbirdsRows() throws {
    let samples = try MetadataParsers.waterbirdsStyle(
      Array(Self.waterbirds.utf8), path: "metadata.csv")
    #expect(samples.map(\.group) == [3, 2, 0, 1, 1])
    #expect(samples.map(\.split) == [.train, .test, .train, .val, .train])
    #expect(samples.map(\.line) == [2, 3, 4, 5, 6])
    #expect(samples[0].target == [1, 0] && samples[2].target == [0, 1])
    #expect(samples[1].imagePath == "001.Black_footed_Albatross/b.jpg")
  }

  @Test("bad metadata errors name the file, the line, the column and the value")
  func metadataErrors() {
    let header = "img_filename,y,split,place\n"
    #expect(
      throws: DatasetError.missingColumn(
        path: "m.csv", column: "place", header: ["img_filename", "y", "split"])
    ) {
      try MetadataParsers.waterbirdsStyle(
        Array("img_filename,y,split\na,1,0\n".utf8), path: "m.csv")
    }
    #expect(
      throws: DatasetError.invalidValue(
        path: "m.csv", line: 3, column: "y", expected: "0 or 1", found: "bird")
    ) {
      try MetadataParsers.waterbirdsStyle(
        Array((header + "a,1,0,0\nb,bird,0,1\n").utf8), path: "m.csv")
    }
    #expect(
      throws: DatasetError.invalidValue(
        path: "m.csv", line: 2, column: "split",
        expected: "a split code 0 (train), 1 (val) or 2 (test)", found: "3")
    ) { try MetadataParsers.waterbirdsStyle(Array((header + "a,1,3,0\n").utf8), path: "m.csv") }
  }

  static let attributeNames = ["Bald", "Blond_Hair", "Eyeglasses", "Male"]

  static func officialFiles() -> (attributes: String, partition: String) {
    let attributes = """
      4
      Bald Blond_Hair Eyeglasses Male\u{20}
      000001.jpg -1  1 -1 -1
      000002.jpg -1 -1  1  1
      000003.jpg  1  1 -1  1
      000004.jpg -1 -1 -1 -1

      """
    let partition = "000001.jpg 0\r\n000002.jpg 0\r\n000003.jpg 1\r\n000004.jpg 2\r\n"
    return (attributes, partition)
  }

  static func kaggleFiles() -> (attributes: String, partition: String) {
    let attributes = """
      image_id,Bald,Blond_Hair,Eyeglasses,Male
      000001.jpg,-1,1,-1,-1
      000002.jpg,-1,-1,1,1
      000003.jpg,1,1,-1,1
      000004.jpg,-1,-1,-1,-1

      """
    let partition = "image_id,partition\n000001.jpg,0\n000002.jpg,0\n000003.jpg,1\n000004.jpg,2\n"
    return (attributes, partition)
  }

  static func write(_ files: [String: String], in folder: URL) throws {
    for (name, text) in files {
      let url = folder.appendingPathComponent(name)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
  }

  @Test("CelebA official and Kaggle layouts give the same samples; DFR csv too")
  func celebALayouts() throws {
    let official = Fixtures.temporaryDirectory("celeba-official")
    let (oa, op) = Self.officialFiles()
    try Self.write(
      [
        "list_attr_celeba.txt": oa, "list_eval_partition.txt": op,
        "img_align_celeba/000001.jpg": "x",
      ], in: official)
    let kaggle = Fixtures.temporaryDirectory("celeba-kaggle")
    let (ka, kp) = Self.kaggleFiles()
    try Self.write(
      [
        "list_attr_celeba.csv": ka, "list_eval_partition.csv": kp,
        "img_align_celeba/img_align_celeba/000001.jpg": "x",
      ], in: kaggle)
    let dfr = Fixtures.temporaryDirectory("celeba-dfr")
    let dfrMetadata = """
      image_id,img_filename,y,split,place
      0,img_align_celeba/000001.jpg,1,0,0
      1,img_align_celeba/000002.jpg,0,0,1
      2,img_align_celeba/000003.jpg,1,1,1
      3,img_align_celeba/000004.jpg,0,2,0

      """
    try Self.write(["metadata.csv": dfrMetadata], in: dfr)

    let a = try Dataset.load(.celebA, at: official)
    let b = try Dataset.load(.celebA, at: kaggle)
    let c = try Dataset.load(.celebA, at: dfr)
    #expect(a.layout == "official" && b.layout == "kaggle" && c.layout == "metadata.csv")
    // Blond_Hair is y, Male is place: groups 2 (blond female), 1, 3, 0.
    for d in [a, b, c] {
      #expect(d.samples.map(\.group) == [2, 1, 3, 0])
      #expect(d.samples.map(\.split) == [.train, .train, .val, .test])
    }
    #expect(a.samples[0].imagePath == "img_align_celeba/000001.jpg")
    #expect(b.samples[0].imagePath == "img_align_celeba/img_align_celeba/000001.jpg")
    #expect(a.samples.map(\.line) == [3, 4, 5, 6])

    // Any two attributes by name.
    let glasses = try Dataset.load(
      .celebA, at: kaggle,
      options: .init(targetAttribute: "Eyeglasses", spuriousAttribute: "Bald"))
    #expect(glasses.samples.map(\.group) == [0, 2, 1, 0])
    #expect(try glasses.split(.train).knownGroupCounts == nil)
    #expect(
      throws: DatasetError.unknownAttribute(
        path: official.appendingPathComponent("list_attr_celeba.txt").path, name: "Smiling",
        available: Self.attributeNames)
    ) { try Dataset.load(.celebA, at: official, options: .init(targetAttribute: "Smiling")) }
  }

  @Test("splits keep file order, count groups, and warn when known counts differ")
  func splitsAndCountWarnings() throws {
    let folder = Fixtures.temporaryDirectory("waterbirds")
    try Self.write(["metadata.csv": Self.waterbirds], in: folder)
    let dataset = try Dataset.load(.waterbirds, at: folder)
    let train = try dataset.split(.train)
    #expect(train.samples.map(\.line) == [2, 4, 6])
    #expect(train.groupCounts == [1, 1, 0, 1])
    #expect(
      train.countWarning == "warning: waterbirds train split has group counts "
        + "[1, 1, 0, 1] (total 3), the published dataset has [3498, 184, 56, 1057] "
        + "(total 4795); results will not be comparable with the paper's")
    #expect(train.summaryLines.prefix(2) == ["Total samples #:5", "Split samples #:3"])
    let custom = try Dataset.load(.folder, at: folder)
    #expect(try custom.split(.train).countWarning == nil)
    #expect(
      throws: DatasetError.missingImage(
        path: folder.appendingPathComponent("metadata.csv").path, line: 2,
        image: folder.appendingPathComponent("001.Black_footed_Albatross/a.jpg").path)
    ) { try train.checkImagesExist() }
  }

  @Test("a folder without metadata is rejected with the reason")
  func missingMetadata() {
    let folder = Fixtures.temporaryDirectory("empty")
    #expect(
      throws: DatasetError.unrecognizedLayout(
        directory: folder.path,
        reason: "no metadata.csv (columns img_filename, y, split, place)")
    ) { try Dataset.load(.folder, at: folder) }
  }

  @Test("the partition list must cover every image of the attribute list")
  func partitionMismatch() throws {
    let folder = Fixtures.temporaryDirectory("celeba-bad")
    let (oa, _) = Self.officialFiles()
    try Self.write(
      ["list_attr_celeba.txt": oa, "list_eval_partition.txt": "000001.jpg 0\n"], in: folder)
    #expect(
      throws: DatasetError.inconsistentFiles(
        path: folder.appendingPathComponent("list_attr_celeba.txt").path, line: 4,
        reason: "image 000002.jpg is not listed in list_eval_partition.txt")
    ) { try Dataset.load(.celebA, at: folder) }
  }
}
