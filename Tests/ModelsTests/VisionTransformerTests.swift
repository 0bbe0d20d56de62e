import Foundation
import Models
import Tensor
import TestSupport
import Testing

/// The tiny ViT of the fixture: D 32, depth 2, 2 heads, patch 8, image 32.
func tinyViT(epsilon: Float = 1e-5, head: HeadKind = .softmax, seed: UInt64 = 0)
  -> VisionTransformer
{
  var generator = RandomGenerator(seed: seed)
  return VisionTransformer(
    .init(
      imageSize: 32, patchSize: 8, embedDimension: 32, depth: 2, heads: 2,
      layerNormEpsilon: epsilon), head: head, classes: 2, generator: &generator)
}

@Suite("VisionTransformer")
struct VisionTransformerTests {
  @Test("tiny ViT matches timm (eps 1e-5): logits, gradients, weights after 3 steps")
  func tinyParity() throws {
    let fixture = try ModelFixture(Fixtures.url("models"), "vit_tiny")
    try checkParity(model: tinyViT(), fixture: fixture, label: "vit_tiny")
  }

  @Test("LayerNorm eps 1e-6 gives timm's logits at 1e-6")
  func epsilonSetting() throws {
    let fixture = try ModelFixture(Fixtures.url("models"), "vit_tiny")
    let model = tinyViT(epsilon: 1e-6)
    try model.load(stateDict: fixture.initialState)
    model.eval()
    let logits = Tensor.withoutGradient { model.forward(fixture.file["input"]).logits }
    let reference = fixture.file["eval.logits_eps1e-6"]
    #expect(relativeError(logits, reference) <= 1e-4)
  }

  @Test(
    "DeiT-S at 224 matches timm",
    .enabled(
      if: ModelFixture.fullSizeExists("deit_small"),
      "full-size fixture absent: run python3 scripts/make_model_fixtures.py --full"))
  func fullParity() throws {
    let fixture = try ModelFixture(Fixtures.url("models/full"), "deit_small")
    var generator = RandomGenerator(seed: 0)
    let model = VisionTransformer(.deitSmall, head: .softmax, classes: 2, generator: &generator)
    try checkParity(model: model, fixture: fixture, label: "deit_small")
  }

  @Test("DeiT-S names and counts match timm: 152 parameters, 22,050,664 values with a 1000-class head")
  func deitSmallNames() {
    var generator = RandomGenerator(seed: 0)
    let model = VisionTransformer(.deitSmall, head: .linear, classes: 1000, generator: &generator)
    let parameters = model.namedParameters()
    #expect(parameters.count == 152)
    #expect(Array(parameters.prefix(4).map(\.name)) == [
      "cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias",
    ])
    #expect(parameters.first { $0.name == "pos_embed" }?.tensor.shape == [1, 197, 384])
    #expect(parameters.first { $0.name == "blocks.11.attn.qkv.weight" }?.tensor.shape == [
      1152, 384,
    ])
    #expect(Array(parameters.suffix(2).map(\.name)) == ["head.weight", "head.bias"])
    #expect(model.parameterCount == 22_050_664)
  }
}
