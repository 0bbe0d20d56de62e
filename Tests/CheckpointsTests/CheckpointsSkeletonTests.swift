import Testing

@Test("the Checkpoints test target builds") func checkpointsTargetBuilds() {
  #expect(Bool(true))
}
