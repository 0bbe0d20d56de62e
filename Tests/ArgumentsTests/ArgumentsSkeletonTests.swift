import Testing

@Test("the Arguments test target builds") func argumentsTargetBuilds() {
  #expect(Bool(true))
}
