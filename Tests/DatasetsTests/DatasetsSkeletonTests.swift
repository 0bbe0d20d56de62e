import Testing

@Test("the Datasets test target builds") func datasetsTargetBuilds() {
  #expect(Bool(true))
}
