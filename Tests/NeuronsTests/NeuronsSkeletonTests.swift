import Testing

@Test("the Neurons test target builds") func neuronsTargetBuilds() {
  #expect(Bool(true))
}
