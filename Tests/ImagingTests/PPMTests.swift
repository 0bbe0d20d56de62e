import Imaging
import Testing

@Suite("PPM")
struct PPMTests {
  @Test("write gives the Netpbm P6 layout and read returns the same image")
  func roundTrip() throws {
    let image = RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 250, 251, 252])
    let bytes = PPM.write(image)
    #expect(bytes == Array("P6\n2 1\n255\n".utf8) + [1, 2, 3, 250, 251, 252])
    #expect(try PPM.read(bytes) == image)
  }

  @Test("read accepts comments and any whitespace in the header")
  func comments() throws {
    let bytes = Array("P6 # made by hand\n 1\t1 # size\n255\r".utf8) + [7, 8, 9]
    #expect(try PPM.read(bytes) == RGBImage(width: 1, height: 1, pixels: [7, 8, 9]))
  }

  @Test("malformed, unsupported and truncated files throw the matching error")
  func errors() {
    #expect(throws: PPM.Error.notPPM(found: Array("P3".utf8))) {
      try PPM.read(Array("P3\n1 1\n255\n0 0 0\n".utf8))
    }
    #expect(throws: PPM.Error.unsupported("maximum value 65535 (only 255 is read)")) {
      try PPM.read(Array("P6\n1 1\n65535\n".utf8) + [0, 0, 0, 0, 0, 0])
    }
    #expect(throws: PPM.Error.truncated(expected: 12, found: 5)) {
      try PPM.read(Array("P6\n2 2\n255\n".utf8) + [1, 2, 3, 4, 5])
    }
    #expect(
      throws: PPM.Error.malformedHeader(offset: 5, reason: "expected the height, found byte 120")
    ) {
      try PPM.read(Array("P6\n2 x\n255\n".utf8))
    }
    #expect(throws: PPM.Error.unsupported("100000x100000 exceeds 268435456 pixels")) {
      try PPM.read(Array("P6\n100000 100000\n255\n".utf8))
    }
  }
}
