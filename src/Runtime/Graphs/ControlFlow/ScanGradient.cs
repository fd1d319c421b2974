namespace LayerGen.Graphs;

/// <summary>
/// The gradient of a <see cref="ScanOp"/>, as another Scan running the steps in the opposite direction. Its carries are
/// the gradients of the carries (seeded with the final carries' gradients), one accumulator per captured input that
/// needs a gradient, and one slot per sequence that needs one (stacked: the gradient of each step's slice). Its
/// sequences are the carries before each step (the initial carries followed by the forward result's stacked rows), the
/// forward sequences and the gradients of the stacked rows. Its body runs the forward body on a gradient tape and
/// returns the vector-Jacobian product, traced once when the gradient is taken; the backward loop's size does not grow
/// with the number of steps either.
/// </summary>
internal static class ScanGradient
{
    public static Tensor?[] Of(ScanOp op, Tensor g, IReadOnlyList<Tensor> inputs, Tensor output, bool[] needed)
    {
        int k = op.CarryCount, m = op.SequenceCount, n = op.CapturedCount;
        for (int i = 0; i < inputs.Count; i++)
            if (!inputs[i].Shape.IsFullyDefined)
                throw new NotSupportedException(
                    $"Scan: the gradient of a loop needs its shapes at trace time, but input {i} is {inputs[i].Spec} (a signature with a None batch serves the loop; trace the gradient with known shapes, as Fit's planned steps do).");
        var result = new Tensor?[inputs.Count];
        var inputList = inputs.ToArray();
        // The carries after every step: the forward result when it stacks them all, else a forward run that does.
        var full = op;
        var forward = output;
        if (!op.StacksAll)
        {
            full = new ScanOp(op.Body, k, m, op.Reverse, [.. Enumerable.Range(0, k)]);
            forward = OpRunner.Run(full, inputList);
        }
        int steps = ScanOp.Steps(inputs[k].Spec);
        var carrySpecs = new TensorSpec[k];
        for (int i = 0; i < k; i++) carrySpecs[i] = inputs[i].Spec;

        var finalGrads = new Tensor[k];
        var stackedGrads = new Tensor[k];
        var before = new Tensor[k];
        for (int i = 0; i < k; i++)
        {
            finalGrads[i] = ScanOp.Part(g, op, inputList, i, stacked: false);
            var shape = carrySpecs[i].Shape;
            var stackedShape = new Shape([steps, .. shape.ToArray()]);
            stackedGrads[i] = op.Stacked.Contains(i) ? ScanOp.Part(g, op, inputList, i, stacked: true) : Tensor.Zeros(stackedShape, carrySpecs[i].DType);
            var after = ScanOp.Part(forward, full, inputList, i, stacked: true);
            var first = Ops.ExpandDims(inputs[i], 0);
            if (steps == 1) { before[i] = first; continue; }
            var rest = new int[stackedShape.Rank];
            Array.Fill(rest, -1);
            rest[0] = steps - 1;
            var begin = new int[stackedShape.Rank];
            // Forward: step t starts from the carry after step t - 1; reversed: after step t + 1.
            if (op.Reverse) { begin[0] = 1; before[i] = Ops.Concat([Ops.Slice(after, begin, rest), first], 0); }
            else before[i] = Ops.Concat([first, Ops.Slice(after, begin, rest)], 0);
        }

        var capturedNeeded = Enumerable.Range(0, n).Where(c => needed[k + m + c] && inputs[k + m + c].DType.IsFloating()).ToArray();
        var sequencesNeeded = Enumerable.Range(0, m).Where(q => needed[k + q] && inputs[k + q].DType.IsFloating()).ToArray();

        // Backward carries: carry gradients (k), captured accumulators, sequence-step gradients; then sequences:
        // carries before the step (k), forward steps (m), stacked-row gradients (k); captured: the forward captured (n).
        var specs = new List<TensorSpec>();
        for (int i = 0; i < k; i++) specs.Add(carrySpecs[i]);
        foreach (int c in capturedNeeded) specs.Add(inputs[k + m + c].Spec);
        foreach (int q in sequencesNeeded) specs.Add(new TensorSpec(StepShape(inputs[k + q]), inputs[k + q].DType));
        for (int i = 0; i < k; i++) specs.Add(carrySpecs[i]);
        for (int q = 0; q < m; q++) specs.Add(new TensorSpec(StepShape(inputs[k + q]), inputs[k + q].DType));
        for (int i = 0; i < k; i++) specs.Add(carrySpecs[i]);
        for (int c = 0; c < n; c++) specs.Add(inputs[k + m + c].Spec);
        int carriesOut = k + capturedNeeded.Length + sequencesNeeded.Length;

        Tensor[] BackwardStep(Tensor[] x)
        {
            var gCarry = x[..k];
            var gCaptured = x[k..(k + capturedNeeded.Length)];
            var previous = x[carriesOut..(carriesOut + k)];
            var stepsIn = x[(carriesOut + k)..(carriesOut + k + m)];
            var gRow = x[(carriesOut + k + m)..(carriesOut + 2 * k + m)];
            var captured = x[(carriesOut + 2 * k + m)..];
            var sources = new List<Tensor>();
            Tensor[] next;
            using (var tape = new GradientTape(watchAccessedVariables: false))
            {
                foreach (var p in previous) tape.Watch(p);
                foreach (var s in stepsIn) tape.Watch(s);
                foreach (var c in captured) tape.Watch(c);
                var bodyArgs = new Tensor[k + m + n];
                previous.CopyTo(bodyArgs, 0);
                stepsIn.CopyTo(bodyArgs, k);
                captured.CopyTo(bodyArgs, k + m);
                var outs = op.Body.Run(bodyArgs);
                Tensor? target = null;
                for (int i = 0; i < k; i++)
                {
                    if (!outs[i].DType.IsFloating()) continue;
                    var term = Ops.Sum(Ops.Mul(outs[i], Ops.Add(gCarry[i], gRow[i])));
                    target = target is null ? term : Ops.Add(target, term);
                }
                sources.AddRange(previous);
                foreach (int q in sequencesNeeded) sources.Add(stepsIn[q]);
                foreach (int c in capturedNeeded) sources.Add(captured[c]);
                var grads = target is null ? new Tensor?[sources.Count] : tape.Gradient(target, sources);
                next = new Tensor[carriesOut];
                for (int i = 0; i < k; i++) next[i] = grads[i] ?? Tensor.Zeros(carrySpecs[i].Shape, carrySpecs[i].DType);
                for (int a = 0; a < capturedNeeded.Length; a++)
                    next[k + a] = grads[k + sequencesNeeded.Length + a] is { } ga ? Ops.Add(gCaptured[a], ga) : gCaptured[a];
                for (int b = 0; b < sequencesNeeded.Length; b++)
                {
                    var spec = specs[k + capturedNeeded.Length + b];
                    next[k + capturedNeeded.Length + b] = grads[k + b] ?? Tensor.Zeros(spec.Shape, spec.DType);
                }
            }
            return next;
        }

        var (body, extra) = ScanBody.Trace(BackwardStep, specs);
        var initial = new List<Tensor>(finalGrads);
        foreach (int c in capturedNeeded) initial.Add(Tensor.Zeros(inputs[k + m + c].Shape, inputs[k + m + c].DType));
        foreach (int q in sequencesNeeded) initial.Add(Tensor.Zeros(StepShape(inputs[k + q]), inputs[k + q].DType));
        var sequences = new List<Tensor>(before);
        for (int q = 0; q < m; q++) sequences.Add(inputs[k + q]);
        sequences.AddRange(stackedGrads);
        var capturedInputs = new List<Tensor>();
        for (int c = 0; c < n; c++) capturedInputs.Add(inputs[k + m + c]);
        // The backward body's own inputs are the placeholders above; what it captured beyond them comes after.
        var stackedSlots = Enumerable.Range(k + capturedNeeded.Length, sequencesNeeded.Length).ToArray();
        var backward = new ScanOp(body, carriesOut, 2 * k + m, !op.Reverse, stackedSlots);
        Tensor[] backwardInputs = [.. initial, .. sequences, .. capturedInputs, .. extra];
        var r = OpRunner.Run(backward, backwardInputs);
        for (int i = 0; i < k; i++) result[i] = needed[i] ? ScanOp.Part(r, backward, backwardInputs, i, stacked: false) : null;
        for (int a = 0; a < capturedNeeded.Length; a++) result[k + m + capturedNeeded[a]] = ScanOp.Part(r, backward, backwardInputs, k + a, stacked: false);
        for (int b = 0; b < sequencesNeeded.Length; b++) result[k + sequencesNeeded[b]] = ScanOp.Part(r, backward, backwardInputs, k + capturedNeeded.Length + b, stacked: true);
        return result;
    }

    private static Shape StepShape(Tensor sequence) => new([.. sequence.Shape.ToArray()[1..]]);
}
