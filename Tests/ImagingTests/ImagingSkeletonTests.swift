import Testing

@Test("the Imaging test target builds") func imagingTargetBuilds() {
  #expect(Bool(true))
}
