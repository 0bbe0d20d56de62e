import Testing

@Test("the Models test target builds") func modelsTargetBuilds() {
  #expect(Bool(true))
}
