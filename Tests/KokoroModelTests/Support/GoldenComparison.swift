/// max|actual - reference| / max|reference|: the stage tolerance of the golden tests. A count
/// mismatch or a NaN gives infinity, so it can never pass.
func relativeMaxError(_ actual: [Float], _ reference: [Float]) -> Double {
    guard actual.count == reference.count, !reference.isEmpty else { return .infinity }
    var worst = 0.0, scale = 0.0
    for (a, r) in zip(actual, reference) {
        let difference = abs(Double(a) - Double(r))
        worst = difference.isNaN ? .infinity : max(worst, difference)
        scale = max(scale, abs(Double(r)))
    }
    return worst / max(scale, 1e-30)
}
