import Foundation
import Models
import Tensor
import TestSupport
import Testing

/// A PyTorch reference run stored by scripts/make_model_fixtures.py.
struct ModelFixture {
  let file: SafetensorsFixture
  /// `named_parameters()` order as PyTorch printed it.
  let parameterOrder: [String]

  /// Reads `<folder>/<stem>.safetensors` and `<stem>.parameters.txt`.
  init(_ folder: URL, _ stem: String) throws {
    file = try SafetensorsFixture(contentsOf: folder.appendingPathComponent(stem + ".safetensors"))
    let text = try String(
      contentsOf: folder.appendingPathComponent(stem + ".parameters.txt"), encoding: .utf8)
    parameterOrder = text.split(separator: "\n").map(String.init)
  }

  /// Whether a fixture of the git-ignored full-size set exists on this machine.
  static func fullSizeExists(_ stem: String) -> Bool {
    FileManager.default.fileExists(
      atPath: Fixtures.url("models/full/\(stem).safetensors").path)
  }

  /// The initial state dict, as named tensors.
  var initialState: [(name: String, tensor: Tensor)] {
    file.withPrefix("state.").map { ($0.key, $0.value) }
  }
}

/// The reference loss: cross-entropy of soft targets applied to the model's output
/// (probabilities for the softmax head), averaged over the batch.
func referenceLoss(_ output: Tensor, target: Tensor) -> Tensor {
  (-(target * output.logSoftmax(axis: -1)).sum(axis: 1)).mean()
}

/// `max |a - b| / max |b|`: the error relative to the reference's scale.
func relativeError(_ value: Tensor, _ reference: Tensor) -> Float {
  let scale = reference.toArray().reduce(0) { max($0, abs($1)) }
  return maxAbsoluteDifference(value.toArray(), reference.toArray()) / max(scale, 1e-30)
}

/// Prints a figure when SPURIOUS_PRINT_FIGURES is set (for the report); silent otherwise.
func reportFigure(_ text: String) {
  if ProcessInfo.processInfo.environment["SPURIOUS_PRINT_FIGURES"] != nil { print(text) }
}

/// The parity checks shared by the tiny and full-size fixtures: eval logits and
/// probabilities, train loss and every gradient, and the state after three SGD steps.
func checkParity(model: any ImageClassifier, fixture: ModelFixture, label: String) throws {
  #expect(model.namedParameters().map(\.name) == fixture.parameterOrder)
  let stateKeys = Set(fixture.file.withPrefix("state.").keys)
  #expect(Set(model.stateDict().map(\.name)) == stateKeys)
  try model.load(stateDict: fixture.initialState, strict: true)
  let input = fixture.file["input"]
  let target = fixture.file["target"]

  // Logits: max abs difference <= 1e-4 * max |logit| + 1e-5.
  model.eval()
  let eval = Tensor.withoutGradient { model.forward(input) }
  let reference = fixture.file["eval.logits"]
  let scale = reference.toArray().reduce(0) { max($0, abs($1)) }
  let logitError = maxAbsoluteDifference(eval.logits.toArray(), reference.toArray())
  #expect(logitError <= 1e-4 * scale + 1e-5, "\(label) eval logits: \(logitError) of \(scale)")
  let probabilityError = maxAbsoluteDifference(
    eval.output.toArray(), fixture.file["eval.probabilities"].toArray())
  #expect(probabilityError <= 1e-5, "\(label) eval probabilities")
  reportFigure("\(label) eval logits max abs diff \(logitError) (max |logit| \(scale))")

  // Train mode: loss and the gradient of every parameter within 1e-3 relative.
  model.train()
  model.zeroGrad()
  let train = model.forward(input)
  let loss = referenceLoss(train.output, target: target)
  let trainLogitError = relativeError(train.logits, fixture.file["train.logits"])
  #expect(trainLogitError <= 1e-4, "\(label) train logits")
  let lossError = abs(loss.item - fixture.file["train.loss"].item)
  #expect(lossError <= 1e-5 * abs(fixture.file["train.loss"].item) + 1e-6, "\(label) loss")
  loss.backward()
  var worst: (name: String, error: Float) = ("", 0)
  for (name, parameter) in model.namedParameters() {
    let grad = try #require(parameter.grad, "\(label): \(name) has no gradient")
    let error = relativeError(grad, fixture.file["grad." + name])
    #expect(error <= 1e-3, "\(label) gradient of \(name): relative error \(error)")
    if error > worst.error { worst = (name, error) }
  }
  reportFigure(
    "\(label) train logits rel \(trainLogitError), loss diff \(lossError), "
      + "worst gradient \(worst.name) rel \(worst.error)")

  // Three SGD steps on the same batch: running statistics within 1e-5.
  model.zeroGrad()
  let sgd = SGD(parameters: model.parameters(), learningRate: 0.01, momentum: 0.9)
  for _ in 0..<3 {
    sgd.zeroGrad()
    referenceLoss(model(input), target: target).backward()
    sgd.step()
  }
  var worstBuffer: Float = 0
  for (name, buffer) in model.namedBuffers() {
    let expected = fixture.file["step3." + name]
    let difference = maxAbsoluteDifference(buffer.toArray(), expected.toArray())
    let bound: Float = 1e-5 * max(1, expected.toArray().reduce(0) { max($0, abs($1)) })
    #expect(difference <= bound, "\(label) \(name) after three steps: \(difference)")
    worstBuffer = max(worstBuffer, difference)
  }
  var worstParameter: Float = 0
  for (name, parameter) in model.namedParameters() {
    let error = relativeError(parameter, fixture.file["step3." + name])
    #expect(error <= 1e-3, "\(label) \(name) after three steps: relative error \(error)")
    worstParameter = max(worstParameter, error)
  }
  reportFigure(
    "\(label) after three steps: buffers max abs diff \(worstBuffer), "
      + "parameters max rel \(worstParameter)")
}
