import Testing

@Test("the SpuriousCLI test target builds") func spuriousCLITargetBuilds() {
  #expect(Bool(true))
}
