import Testing

@Test("the Tensor test target builds") func tensorTargetBuilds() {
  #expect(Bool(true))
}
