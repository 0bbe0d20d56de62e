import Foundation
import Tensor
import TestSupport
import Testing

/// The PyTorch answers in Tests/Fixtures/models/optim.json (scripts/make_model_fixtures.py).
private struct OptimFixture {
  let root: [String: Any]

  init() throws {
    let data = try Data(contentsOf: Fixtures.url("models/optim.json"))
    root = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// Fresh parameters with the fixture's starting values.
  func parameters() -> [Tensor] {
    let specs = root["params"] as! [[String: Any]]
    return specs.map { spec in
      let shape = spec["shape"] as! [Int]
      let values = (spec["values"] as! [Double]).map(Float.init)
      return Tensor(values, shape: shape, requiresGrad: true)
    }
  }

  /// Gradients of step `step` for each parameter (nil where PyTorch had none).
  func gradients(step: Int, shapes: [[Int]]) -> [Tensor?] {
    let steps = root["grads"] as! [[Any]]
    return steps[step].enumerated().map { index, entry in
      guard let values = entry as? [Double] else { return nil }
      return Tensor(values.map(Float.init), shape: shapes[index])
    }
  }

  func run(_ group: String, _ name: String) -> [String: Any] {
    (root[group] as! [String: Any])[name] as! [String: Any]
  }
}

private func setGradients(_ parameters: [Tensor], _ gradients: [Tensor?]) {
  for (p, g) in zip(parameters, gradients) { p.grad = g }
}

/// Checks parameters against PyTorch's values after `step` (0-based) within 1e-5
/// relative (plus 1e-7 absolute for values near zero).
private func expectParameters(
  _ parameters: [Tensor], _ run: [String: Any], afterStep step: Int,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let after = (run["after"] as! [[[Double]]])[step]
  let tolerance = Tolerance(absolute: 1e-7, relative: 1e-5)
  for (index, p) in parameters.enumerated() {
    let mismatch = tolerance.firstMismatch(p.toArray(), after[index].map(Float.init))
    #expect(
      mismatch == nil, "parameter \(index) after step \(step + 1): \(String(describing: mismatch))",
      sourceLocation: sourceLocation)
  }
}

@Suite("Adam")
struct AdamTests {
  @Test("one and three steps match torch.optim.Adam, with and without weight decay")
  func matchesPyTorch() throws {
    let fixture = try OptimFixture()
    for name in ["adam_default", "adam_wd"] {
      let run = fixture.run("adam", name)
      let settings = run["settings"] as! [String: Any]
      let betas = settings["betas"] as? [Double] ?? [0.9, 0.999]
      let parameters = fixture.parameters()
      let adam = Adam(
        parameters: parameters, learningRate: settings["lr"] as! Double,
        betas: (betas[0], betas[1]), epsilon: settings["eps"] as? Double ?? 1e-8,
        weightDecay: settings["weight_decay"] as? Double ?? 0)
      for step in 0..<3 {
        setGradients(parameters, fixture.gradients(step: step, shapes: parameters.map(\.shape)))
        adam.step()
        expectParameters(parameters, run, afterStep: step)
      }
      // The last parameter had no gradient at step 2, so it took two steps.
      #expect(adam.stepCount(ofParameter: 0) == 3)
      #expect(adam.stepCount(ofParameter: 2) == 2)
    }
  }

  @Test("state exported as PyTorch's state.<i>.* names matches PyTorch's moments")
  func exportMatchesPyTorchState() throws {
    let fixture = try OptimFixture()
    let run = fixture.run("adam", "adam_default")
    let parameters = fixture.parameters()
    let adam = Adam(parameters: parameters, learningRate: 1e-3)
    for step in 0..<3 {
      setGradients(parameters, fixture.gradients(step: step, shapes: parameters.map(\.shape)))
      adam.step()
    }
    let exported = Dictionary(uniqueKeysWithValues: adam.exportState().map { ($0.name, $0.tensor) })
    let reference = run["state_after_3"] as! [String: [String: Any]]
    #expect(exported.count == 3 * reference.count)
    let tolerance = Tolerance(absolute: 1e-9, relative: 1e-5)
    for (index, fields) in reference {
      #expect(exported["state.\(index).step"]?.item == Float(fields["step"] as! Double))
      for field in ["exp_avg", "exp_avg_sq"] {
        let values = try #require(exported["state.\(index).\(field)"]).toArray()
        let expected = (fields[field] as! [Double]).map(Float.init)
        #expect(tolerance.firstMismatch(values, expected) == nil, "state.\(index).\(field)")
      }
    }
  }

  @Test("importing PyTorch's state after one step and taking two more equals three steps")
  func resumesFromPyTorchState() throws {
    let fixture = try OptimFixture()
    let run = fixture.run("adam", "adam_default")
    let parameters = fixture.parameters()
    let after1 = (run["after"] as! [[[Double]]])[0]
    for (p, values) in zip(parameters, after1) {
      p.assign(Tensor(values.map(Float.init), shape: p.shape))
    }
    var entries: [(name: String, tensor: Tensor)] = []
    let state1 = run["state_after_1"] as! [String: [String: Any]]
    for index in state1.keys.sorted() {
      let fields = state1[index]!
      let shape = parameters[Int(index)!].shape
      entries.append(("state.\(index).step", Tensor(scalar: Float(fields["step"] as! Double))))
      for field in ["exp_avg", "exp_avg_sq"] {
        let values = (fields[field] as! [Double]).map(Float.init)
        entries.append(("state.\(index).\(field)", Tensor(values, shape: shape)))
      }
    }
    let adam = Adam(parameters: parameters, learningRate: 1e-3)
    try adam.importState(entries)
    for step in 1..<3 {
      setGradients(parameters, fixture.gradients(step: step, shapes: parameters.map(\.shape)))
      adam.step()
    }
    expectParameters(parameters, run, afterStep: 2)
  }

  @Test("importing state with a wrong shape names the entry and both shapes")
  func rejectsWrongShape() {
    let adam = Adam(parameters: [Tensor.zeros([2, 3], requiresGrad: true)])
    let entries: [(name: String, tensor: Tensor)] = [
      ("state.0.step", Tensor(scalar: 1)),
      ("state.0.exp_avg", Tensor.zeros([3, 2])),
      ("state.0.exp_avg_sq", Tensor.zeros([2, 3])),
    ]
    #expect(throws: OptimizerStateError.shapeMismatch(
      name: "state.0.exp_avg", expected: [2, 3], found: [3, 2])) {
      try adam.importState(entries)
    }
    #expect(throws: OptimizerStateError.parameterIndexOutOfRange(
      name: "state.4.step", index: 4, parameterCount: 1)) {
      try adam.importState([("state.4.step", Tensor(scalar: 1))])
    }
    #expect(throws: OptimizerStateError.incompleteState(index: 0, missing: "exp_avg")) {
      try adam.importState([("state.0.step", Tensor(scalar: 2))])
    }
  }
}

@Suite("SGD")
struct SGDTests {
  @Test("three steps match torch.optim.SGD, plain and with momentum and weight decay")
  func matchesPyTorch() throws {
    let fixture = try OptimFixture()
    for name in ["sgd_plain", "sgd_momentum_wd"] {
      let run = fixture.run("sgd", name)
      let settings = run["settings"] as! [String: Any]
      let parameters = fixture.parameters()
      let sgd = SGD(
        parameters: parameters, learningRate: settings["lr"] as! Double,
        momentum: settings["momentum"] as? Double ?? 0,
        weightDecay: settings["weight_decay"] as? Double ?? 0)
      for step in 0..<3 {
        setGradients(parameters, fixture.gradients(step: step, shapes: parameters.map(\.shape)))
        sgd.step()
        expectParameters(parameters, run, afterStep: step)
      }
    }
  }
}

@Suite("Learning-rate schedulers")
struct SchedulerTests {
  @Test("ReduceLROnPlateau gives PyTorch's learning rates for a loss sequence")
  func plateauMatchesPyTorch() throws {
    let fixture = try OptimFixture()
    let plateau = fixture.root["plateau"] as! [String: Any]
    let losses = plateau["losses"] as! [Double]
    for run in plateau["runs"] as! [[String: Any]] {
      let settings = run["settings"] as! [String: Any]
      let sgd = SGD(parameters: [], learningRate: settings["lr"] as! Double)
      let scheduler = ReduceLROnPlateau(
        optimizer: sgd, factor: settings["factor"] as! Double,
        patience: settings["patience"] as! Int,
        minLearningRate: settings["min_lr"] as? Double ?? 0)
      var rates: [Double] = []
      for loss in losses {
        scheduler.step(loss)
        rates.append(sgd.learningRate)
      }
      let expected = run["lrs"] as! [Double]
      for (got, want) in zip(rates, expected) {
        #expect(abs(got - want) <= 1e-12 * want, "settings \(settings)")
      }
      let final = run["final_state"] as! [String: Any]
      #expect(scheduler.state.best == final["best"] as! Double)
      #expect(scheduler.state.badEpochs == final["num_bad_epochs"] as! Int)
      #expect(scheduler.state.lastEpoch == final["last_epoch"] as! Int)
    }
  }

  @Test("CosineAnnealingLR gives PyTorch's learning rates, past T_max too")
  func cosineMatchesPyTorch() throws {
    let fixture = try OptimFixture()
    for run in fixture.root["cosine"] as! [[String: Any]] {
      let sgd = SGD(parameters: [], learningRate: run["lr"] as! Double)
      let scheduler = CosineAnnealingLR(
        optimizer: sgd, period: run["t_max"] as! Int, minimum: run["eta_min"] as! Double)
      let expected = run["lrs"] as! [Double]
      var rates = [sgd.learningRate]
      for _ in 1..<expected.count {
        scheduler.step()
        rates.append(sgd.learningRate)
      }
      for (got, want) in zip(rates, expected) {
        #expect(abs(got - want) <= 1e-12 + 1e-9 * abs(want), "T_max \(run["t_max"]!)")
      }
    }
  }
}
