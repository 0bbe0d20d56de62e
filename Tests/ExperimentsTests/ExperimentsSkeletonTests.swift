import Testing

@Test("the Experiments test target builds") func experimentsTargetBuilds() {
  #expect(Bool(true))
}
