namespace LayerGen.Graphs;

/// <summary>
/// The gradient of a <see cref="ScanOp"/>, as another Scan running the steps in the opposite direction. Its carries are
/// the gradients of the carries (seeded with the final carries' gradients), one accumulator per captured input that
/// needs a gradient, and one slot per sequence that needs one (stacked: the gradient of each step's slice). Its
/// sequences are the carries before each step (the initial carries followed by the forward result's stacked rows), the
/// forward sequences and the gradients of the stacked rows. Its body runs the forward body on a gradient tape and
/// returns the vector-Jacobian product, traced once when the gradient is taken; the backward loop's size does not grow
/// with the number of steps either.
/// <para>
/// A captured input read only as the right operand of plain 2-D products whose left operand is a carry or a step (the
/// recurrent kernel of <c>h @ W</c>) is not accumulated inside the loop: the backward loop stacks the gradient of each
/// such product instead (one more stacked slot), and after the loop one product over all the steps gives the weight's
/// gradient, <c>reshape(lefts, (T·B, a))ᵀ @ reshape(dY, (T·B, n))</c>, the lefts being the carries before every step
/// (or the sequence). One deep product instead of T small ones and T accumulations.
/// </para>
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
        if (op.Views is { } opViews)
        {
            // A loop reading columns of another loop's result (a gradient loop, differentiated again): the gradient of
            // the same loop on the cut-out sequences, each sequence's gradient placed back at its columns of the result.
            var plainInputs = inputs.ToArray();
            for (int q = 0; q < m; q++) plainInputs[k + q] = op.PlainSequence(q, inputs);
            var plain = Of(op.WithoutViews(), g, plainInputs, output, needed);
            for (int i = 0; i < inputs.Count; i++)
                if (i < k || i >= k + m || opViews[i - k] is null) result[i] = plain[i];
            for (int q = 0; q < m; q++)
            {
                if (opViews[q] is not { } view || plain[k + q] is not { } gq) continue;
                var source = inputs[k + q];
                int viewSteps = source.Shape[0] - 1, count = view.Shift == 0 ? viewSteps : viewSteps - 1;
                var rest = new int[gq.Shape.Rank - 1];
                var size = gq.Shape.ToArray();
                size[0] = count;
                var rowsGrad = view.Shift == 0 ? gq : Ops.Slice(gq, [view.Shift < 0 ? 1 : 0, .. rest], size);
                var rows = Ops.Reshape(rowsGrad, new Shape(count, source.Shape[1], view.Width));
                result[k + q] = OpRunner.Run(new SliceGradOp([1 + Math.Max(view.Shift, 0), 0, view.Column]), rows, source);
                if (view.Shift == 0) continue;
                // The step read from the view's own input.
                // (A fresh size array: the ops keep the arrays they are given.)
                int[] one = [1, .. gq.Shape.ToArray()[1..]];
                var firstGrad = Ops.Reshape(Ops.Slice(gq, [view.Shift < 0 ? 0 : viewSteps - 1, .. rest], one), inputs[view.First].Shape);
                result[view.First] = result[view.First] is { } earlier ? Ops.Add(earlier, firstGrad) : firstGrad;
            }
            return result;
        }
        var inputList = inputs.ToArray();
        // Kept carries (ScanOp.Kept) are values only the gradient loop reads, so their gradient is normally zero. When
        // their rows do receive one (a second-order gradient: it came back through the gradient loop that read them),
        // they are ordinary carries here, whose gradient flows back through the body into what computed them.
        if (op.Kept > 0)
            for (int i = k - op.Kept; i < k; i++)
                if (!ZeroPart(g, op, inputList, i, stacked: true) || !ZeroPart(g, op, inputList, i, stacked: false))
                    return Of(op.WithoutKept(), g, inputs, output, needed);
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

        // Carries kept only for the backward pass (ScanOp.Kept, the last ones) get no gradient: they need no gradient
        // carry, no values before each step and no seed. The others are the active carries, 0 .. ka - 1.
        int ka = k - op.Kept;
        var capturedWanted = Enumerable.Range(0, n).Where(c => needed[k + m + c] && inputs[k + m + c].DType.IsFloating()).ToArray();
        // Captured weights read only by products with a body input (the recurrent kernel: h @ W): their gradient is one
        // product over all the steps after the loop (stacked inputs transposed times the stacked products' gradients),
        // not one small product and one accumulation per step.
        var hoisted = HoistedProducts(op, capturedWanted);
        bool LeftOfHoisted(int input) => hoisted.Values.Any(uses => uses.Any(u => u.Left == input));
        var finalGrads = new Tensor[ka];
        var stackedGrads = new Tensor?[ka];
        var before = new Tensor?[ka];
        // Active carries the body never reads (an RNN's previous output without a mask): no values before each step.
        var read = Enumerable.Range(0, ka).Where(i => ScanBody.ReadsInput(op.Body, i)).ToArray();
        int readCount = read.Length;
        for (int i = 0; i < ka; i++)
        {
            var shape = carrySpecs[i].Shape;
            // Pieces of g known to be zero (nothing outside the loop reads them: g places its gradients with SliceGrad)
            // are not cut out: zeros for a final carry, no per-step row gradient at all for a stacked one.
            finalGrads[i] = ZeroPart(g, op, inputList, i, stacked: false) ? Tensor.Zeros(shape, carrySpecs[i].DType) : GradientPart(g, op, inputList, i, stacked: false);
            if (!op.Stacked.Contains(i) || ZeroPart(g, op, inputList, i, stacked: true)) stackedGrads[i] = null;
            else stackedGrads[i] = GradientPart(g, op, inputList, i, stacked: true);
            if (!read.Contains(i)) continue;
            // Carries whose before-step values only the backward loop reads: it reads them from the forward result
            // (a view, with the initial value as the view's first input), nothing is cut out here.
            if (ViewBefore(i)) continue;
            var first = Ops.ExpandDims(inputs[i], 0);
            if (steps == 1) { before[i] = first; continue; }
            // Forward: step t starts from the carry after step t - 1; reversed: after step t + 1. The rows are cut from the
            // forward result directly (not from the carry's stacked part, which the backward loop may not need).
            if (op.Reverse) before[i] = Ops.Concat([StackedRows(forward, full, inputList, i, 1, steps - 1), first], 0);
            else before[i] = Ops.Concat([first, StackedRows(forward, full, inputList, i, 0, steps - 1)], 0);
        }

        bool ViewBefore(int i) => op.Batched && steps >= 2 && forward.Shape.IsFullyDefined && forward.Shape.Rank == 3 && forward.Shape[0] == 1 + steps
            && !LeftOfHoisted(i) && i != read[0];
        var sequencesNeeded = Enumerable.Range(0, m).Where(q => needed[k + q] && inputs[k + q].DType.IsFloating()).ToArray();
        var capturedNeeded = capturedWanted.Where(c => !hoisted.ContainsKey(c)).ToArray();
        var products = hoisted.SelectMany(h => h.Value).ToArray();
        // Carries computed by an op that is not a view: the backward body reads that op's value at each step from the
        // forward result instead of running it again (what it computes from is then often not needed either: the
        // product h @ W behind an LSTM's gate pre-activations, which the layer keeps as a carry when a tape records).
        var reused = ReusedOutputs(op);
        // Ops whose whole value the carries hold, one row of axis 0 each (an LSTM's [h', c'], cut with IndexAxis0): the
        // backward body joins the carries' values after the step instead of running the op again.
        var joined = JoinedOutputs(op, reused, read);
        var joinedCarries = joined.SelectMany(j => j.Carries).Distinct().ToArray();
        // A joined carry whose values before each step are a sequence anyway needs no sequence of its values after each
        // step: after step t is before the step the backward loop ran just earlier, so a backward carry passes it on
        // (starting from the final value). The others come as sequences of the forward result's rows.
        var chained = joinedCarries.Where(i => read.Contains(i)).ToArray();
        var reusedAll = reused.Concat(joinedCarries.Where(i => !read.Contains(i))).ToArray();
        int reusedCount = reusedAll.Length, chainedCount = chained.Length;

        int capturedCount = capturedNeeded.Length, sequenceCount = sequencesNeeded.Length;

        // Backward carries: active carry gradients (ka), captured accumulators, sequence-step gradients, products'
        // gradients; then sequences: active carries before the step (ka), forward steps (m), stacked-row gradients (ka),
        // reused carries after the step; captured: the forward captured (n).
        var rowed = Enumerable.Range(0, ka).Where(i => stackedGrads[i] is not null).ToArray();
        // A product whose gradient is a sequence's step gradient itself (z = x_t·W_in + h·W: both are dz) gets no slot of
        // its own: the stacked sequence gradient serves the weight's product too. Found by tracing the backward step
        // once (sameAs[u] = that sequence's slot, -1 for an own slot), then traced again without those slots.
        // Active carries read before each step from the forward result by the backward loop (views): their initial values
        // are inputs of the backward body after the captured ones (it does not read them; the runner does at one step).
        var viewed = read.Where(i => before[i] is null).ToArray();
        var sameAs = new int[products.Length];
        Array.Fill(sameAs, -1);
        var detected = new int[products.Length];
        int[] slotted = [];
        List<TensorSpec> specs = [];
        int carriesOut = 0;
        void Layout()
        {
            slotted = [.. Enumerable.Range(0, products.Length).Where(u => sameAs[u] < 0)];
            specs = [];
            for (int i = 0; i < ka; i++) specs.Add(carrySpecs[i]);
            foreach (int c in capturedNeeded) specs.Add(inputs[k + m + c].Spec);
            foreach (int q in sequencesNeeded) specs.Add(new TensorSpec(StepShape(inputs[k + q]), inputs[k + q].DType));
            foreach (int u in slotted) specs.Add(op.Body.Nodes[products[u].Node].Spec);
            foreach (int i in chained) specs.Add(carrySpecs[i]);
            foreach (int i in read) specs.Add(carrySpecs[i]);
            for (int q = 0; q < m; q++) specs.Add(new TensorSpec(StepShape(inputs[k + q]), inputs[k + q].DType));
            foreach (int i in rowed) specs.Add(carrySpecs[i]);
            foreach (int i in reusedAll) specs.Add(carrySpecs[i]);
            for (int c = 0; c < n; c++) specs.Add(inputs[k + m + c].Spec);
            foreach (int i in viewed) specs.Add(carrySpecs[i]);
            carriesOut = ka + capturedCount + sequenceCount + slotted.Length + chainedCount;
        }
        Layout();

        Tensor[] BackwardStep(Tensor[] x)
        {
            var gCarry = x[..ka];
            var gCaptured = x[ka..(ka + capturedCount)];
            // Carries the body does not read: any tensor of their spec stands in (their gradient is zero).
            var previous = new Tensor[ka];
            for (int i = 0; i < ka; i++) previous[i] = Tensor.Zeros(carrySpecs[i].Shape, carrySpecs[i].DType);
            for (int r = 0; r < readCount; r++) previous[read[r]] = x[carriesOut + r];
            int at = carriesOut + readCount;
            var stepsIn = x[at..(at + m)];
            var gRow = new Tensor?[ka];
            for (int r = 0; r < rowed.Length; r++) gRow[rowed[r]] = x[at + m + r];
            at += m + rowed.Length;
            var afterStep = x[at..(at + reusedCount)];
            var captured = x[(at + reusedCount)..(at + reusedCount + n)];
            var chainedIn = x[(carriesOut - chainedCount)..carriesOut];
            Tensor After(int carry) => Array.IndexOf(chained, carry) is >= 0 and var c ? chainedIn[c] : afterStep[Array.IndexOf(reusedAll, carry)];
            var sources = new List<Tensor>();
            Tensor[] next;
            using (var tape = new GradientTape(watchAccessedVariables: false))
            {
                foreach (var p in previous) tape.Watch(p);
                foreach (var s in stepsIn) tape.Watch(s);
                for (int c = 0; c < captured.Length; c++)
                    if (!hoisted.ContainsKey(c)) tape.Watch(captured[c]);
                var bodyArgs = new Tensor[k + m + n];
                previous.CopyTo(bodyArgs, 0);
                // Kept carries: the body does not read them (ScanOp checks); any tensor of their spec stands in.
                for (int i = ka; i < k; i++) bodyArgs[i] = Tensor.Zeros(carrySpecs[i].Shape, carrySpecs[i].DType);
                stepsIn.CopyTo(bodyArgs, k);
                captured.CopyTo(bodyArgs, k + m);
                var known = new Dictionary<int, Tensor>();
                for (int r = 0; r < reused.Length; r++) known.TryAdd(op.Body.OutputIds[reused[r]], afterStep[r]);
                foreach (var (node, carries) in joined)
                {
                    var rows = new Tensor[carries.Length];
                    for (int j = 0; j < carries.Length; j++) rows[j] = Ops.ExpandDims(After(carries[j]), 0);
                    known.TryAdd(node, rows.Length == 1 ? rows[0] : Ops.Concat(rows, 0));
                }
                var values = RunBody(op.Body, bodyArgs, known);
                // One target, the floating carries' values flattened and joined, seeded with their gradients (from the
                // next step and from the result's rows): the tape starts from the seeds themselves.
                var pieces = new List<Tensor>();
                var seeds = new List<Tensor>();
                Tensor Seed(int i) => gRow[i] is { } row ? Ops.Add(gCarry[i], row) : gCarry[i];
                // A joined op's value is one piece, seeded row by row with its carries' gradients (summed where carries
                // share a row): its gradient gets them as they are, without cutting rows out and placing them back.
                var covered = new bool[ka];
                foreach (var (node, carries) in joined)
                {
                    if (carries.Any(c => c >= ka) || !values[node]!.DType.IsFloating()) continue;
                    var rowSeeds = new Tensor?[carries.Length];
                    for (int i = 0; i < ka; i++)
                    {
                        int j = Array.FindIndex(carries, c => op.Body.OutputIds[c] == op.Body.OutputIds[i]);
                        if (j < 0) continue;
                        covered[i] = true;
                        rowSeeds[j] = rowSeeds[j] is { } earlier ? Ops.Add(earlier, Seed(i)) : Seed(i);
                    }
                    pieces.Add(Ops.Reshape(values[node]!, new Shape(-1)));
                    foreach (var rowSeed in rowSeeds) seeds.Add(Ops.Reshape(rowSeed!, new Shape(-1)));
                }
                for (int i = 0; i < ka; i++)
                {
                    if (covered[i]) continue;
                    var output = values[op.Body.OutputIds[i]]!;
                    if (!output.DType.IsFloating()) continue;
                    pieces.Add(Ops.Reshape(output, new Shape(-1)));
                    seeds.Add(Ops.Reshape(Seed(i), new Shape(-1)));
                }
                Tensor? target = pieces.Count switch { 0 => null, 1 => pieces[0], _ => Ops.Concat(pieces, 0) };
                Tensor? seed = seeds.Count switch { 0 => null, 1 => seeds[0], _ => Ops.Concat(seeds, 0) };
                sources.AddRange(previous);
                foreach (int q in sequencesNeeded) sources.Add(stepsIn[q]);
                foreach (int c in capturedNeeded) sources.Add(captured[c]);
                foreach (var (node, _) in products) sources.Add(values[node]!);
                var grads = target is null ? new Tensor?[sources.Count] : tape.Gradient(target, sources, seed);
                next = new Tensor[carriesOut];
                for (int i = 0; i < ka; i++) next[i] = grads[i] ?? Tensor.Zeros(carrySpecs[i].Shape, carrySpecs[i].DType);
                for (int a = 0; a < capturedCount; a++)
                    next[ka + a] = grads[ka + sequenceCount + a] is { } ga ? Ops.Add(gCaptured[a], ga) : gCaptured[a];
                for (int b = 0; b < sequenceCount; b++)
                {
                    var spec = specs[ka + capturedCount + b];
                    next[ka + capturedCount + b] = grads[ka + b] ?? Tensor.Zeros(spec.Shape, spec.DType);
                }
                for (int u = 0; u < products.Length; u++)
                {
                    var gu = grads[ka + sequenceCount + capturedCount + u];
                    detected[u] = gu is null ? -1 : Array.FindIndex(grads[ka..(ka + sequenceCount)], gb => ReferenceEquals(gb, gu));
                }
                for (int v = 0; v < slotted.Length; v++)
                {
                    var spec = op.Body.Nodes[products[slotted[v]].Node].Spec;
                    next[ka + capturedCount + sequenceCount + v] = grads[ka + sequenceCount + capturedCount + slotted[v]] ?? Tensor.Zeros(spec.Shape, spec.DType);
                }
                // The chained carries pass this step's starting values on: the next (earlier) step's values after it.
                for (int c = 0; c < chainedCount; c++) next[carriesOut - chainedCount + c] = previous[chained[c]];
            }
            return next;
        }

        var (body, extra) = ScanBody.Trace(BackwardStep, specs);
        if (detected.Any(b => b >= 0))
        {
            detected.CopyTo(sameAs, 0);
            Layout();
            (body, extra) = ScanBody.Trace(BackwardStep, specs);
        }
        var initial = new List<Tensor>(finalGrads);
        foreach (int c in capturedNeeded) initial.Add(Tensor.Zeros(inputs[k + m + c].Shape, inputs[k + m + c].DType));
        foreach (int q in sequencesNeeded) initial.Add(Tensor.Zeros(StepShape(inputs[k + q]), inputs[k + q].DType));
        foreach (int u in slotted) initial.Add(Tensor.Zeros(op.Body.Nodes[products[u].Node].Spec.Shape, op.Body.Nodes[products[u].Node].Spec.DType));
        foreach (int i in chained) initial.Add(ScanOp.Part(forward, full, inputList, i, stacked: false));
        var sequences = new List<Tensor>();
        var firsts = new List<Tensor>();
        var views = new ScanView?[readCount + m + rowed.Length + reusedCount];
        foreach (int i in read)
        {
            if (before[i] is { } rows) { sequences.Add(rows); continue; }
            // Forward: step t starts from row t (after step t - 1), step 0 from the initial value; reversed: row 2 + t.
            views[sequences.Count] = new ScanView(full.Column(i), full.Width(i), op.Reverse ? 1 : -1, carriesOut + readCount + m + rowed.Length + reusedCount + n + firsts.Count);
            sequences.Add(forward);
            firsts.Add(inputs[i]);
        }
        for (int q = 0; q < m; q++) sequences.Add(inputs[k + q]);
        foreach (int i in rowed) sequences.Add(stackedGrads[i]!);
        // Reused carries' values after each step: read from the forward result's columns by the backward loop itself
        // (a view), not cut out of it first (a strided copy of every step's rows outside the loop).
        foreach (int i in reusedAll)
        {
            if (full.Batched && forward.Shape.IsFullyDefined && forward.Shape.Rank == 3 && forward.Shape[0] == 1 + steps && readCount + m > 0)
            {
                views[sequences.Count] = new ScanView(full.Column(i), full.Width(i));
                sequences.Add(forward);
            }
            else sequences.Add(ScanOp.Part(forward, full, inputList, i, stacked: true));
        }
        var capturedInputs = new List<Tensor>();
        for (int c = 0; c < n; c++) capturedInputs.Add(inputs[k + m + c]);
        // The backward body's own inputs are the placeholders above; what it captured beyond them comes after.
        var stackedSlots = Enumerable.Range(ka + capturedCount, sequenceCount + slotted.Length).ToArray();
        var backward = new ScanOp(body, carriesOut, readCount + m + rowed.Length + reusedCount, !op.Reverse, stackedSlots, batched: false, kept: 0, views);
        Tensor[] backwardInputs = [.. initial, .. sequences, .. capturedInputs, .. firsts, .. extra];
        var r = OpRunner.Run(backward, backwardInputs);
        for (int i = 0; i < ka; i++) result[i] = needed[i] ? ScanOp.Part(r, backward, backwardInputs, i, stacked: false) : null;
        for (int a = 0; a < capturedCount; a++) result[k + m + capturedNeeded[a]] = ScanOp.Part(r, backward, backwardInputs, ka + a, stacked: false);
        var sequenceGrads = new Tensor[sequenceCount];
        for (int b = 0; b < sequenceCount; b++)
            result[k + sequencesNeeded[b]] = sequenceGrads[b] = ScanOp.Part(r, backward, backwardInputs, ka + capturedCount + b, stacked: true);
        int slot = ka + capturedCount + sequenceCount, product = 0;
        foreach (var (c, uses) in hoisted)
        {
            Tensor? sum = null;
            foreach (var (_, left) in uses)
            {
                // The left operand at every step: a carry's value before the step, or a sequence's step.
                var lefts = left < k ? before[left]! : inputs[left];
                int same = sameAs[product++];
                var gradients = same >= 0 ? sequenceGrads[same] : ScanOp.Part(r, backward, backwardInputs, slot++, stacked: true);
                var term = Ops.MatMul(Ops.Reshape(lefts, new Shape(-1, lefts.Shape[^1])), Ops.Reshape(gradients, new Shape(-1, gradients.Shape[^1])), transposeA: true);
                sum = sum is null ? term : Ops.Add(sum, term);
            }
            result[k + m + c] = sum;
        }
        return result;
    }

    /// <summary>
    /// The captured inputs (of <paramref name="wanted"/>) that the body reads only as the right operand of plain
    /// two-dimensional products whose left operand is one of its carries or steps, with those products (node, loop input
    /// of the left operand). Every such product's gradient is stacked over the steps instead of accumulated.
    /// </summary>
    private static Dictionary<int, List<(int Node, int Left)>> HoistedProducts(ScanOp op, int[] wanted)
    {
        var body = op.Body;
        int k = op.CarryCount, m = op.SequenceCount;
        var inputOf = new Dictionary<int, int>();
        for (int p = 0; p < body.InputIds.Count; p++) inputOf[body.InputIds[p]] = p;
        var hoisted = new Dictionary<int, List<(int, int)>>();
        foreach (int c in wanted)
        {
            int id = body.InputIds[k + m + c];
            bool ok = body.Nodes[id].Spec.Shape.Rank == 2 && !body.OutputIds.Contains(id);
            var uses = new List<(int, int)>();
            foreach (var node in body.Nodes)
            {
                if (!ok) break;
                if (node.Kind != GraphNodeKind.Op || !node.Inputs.Contains(id)) continue;
                ok = node.Op is MatMulOp { TransposeA: false, TransposeB: false } && node.Inputs[1] == id && node.Inputs[0] != id
                    && inputOf.TryGetValue(node.Inputs[0], out int left) && left < k + m && body.Nodes[node.Inputs[0]].Spec.Shape.Rank == 2;
                if (ok) uses.Add((node.Id, inputOf[node.Inputs[0]]));
            }
            if (ok && uses.Count > 0) hoisted[c] = uses;
        }
        return hoisted;
    }

    /// <summary>
    /// The carries (first of each distinct node) whose value the body computes with an op that is not a view: their
    /// values after every step are in the forward result, so the backward body takes them from there.
    /// </summary>
    private static int[] ReusedOutputs(ScanOp op)
    {
        var body = op.Body;
        var seen = new HashSet<int>();
        var reused = new List<int>();
        for (int i = 0; i < op.CarryCount; i++)
        {
            var node = body.Nodes[body.OutputIds[i]];
            if (node.Kind == GraphNodeKind.Op && !node.Op!.MayReturnInputStorage && seen.Add(node.Id)) reused.Add(i);
        }
        return [.. reused];
    }

    /// <summary>
    /// Whether the piece <see cref="ScanOp.Part"/> would cut from the loop's result gradient <paramref name="g"/> is
    /// known to be zero from how g was made: a traced <see cref="SliceGradOp"/> (the gradient of the pieces read
    /// outside the loop) whose block misses the piece, or a sum of such.
    /// </summary>
    private static bool ZeroPart(Tensor g, ScanOp op, Tensor[] inputs, int carry, bool stacked)
        => Region(g, op, inputs, carry, stacked) is { } region && Misses(g, region.Begin, region.End);

    /// <summary>
    /// <see cref="ScanOp.Part"/> of the loop's result gradient <paramref name="g"/>; when g is a traced
    /// <see cref="SliceGradOp"/> whose block is exactly that piece (the gradient of the one piece read outside the loop),
    /// the block itself, reshaped as Part would: the zero-filled whole result is then not needed at all.
    /// </summary>
    private static Tensor GradientPart(Tensor g, ScanOp op, Tensor[] inputs, int carry, bool stacked)
    {
        if (Region(g, op, inputs, carry, stacked) is { } region && g.IsSymbolic && g.Node is { Op: SliceGradOp placed } node
            && node.Inputs[0] is { Shape.IsFullyDefined: true } block && block.DType == g.DType && placed.Begin.Length == region.Begin.Length)
        {
            bool exact = true;
            for (int d = 0; d < region.Begin.Length; d++)
                exact &= placed.Begin[d] == region.Begin[d] && block.Shape[d] == region.End[d] - region.Begin[d];
            if (exact)
            {
                // The same values Part would cut from g, in Part's shape.
                var shape = inputs[carry].Shape;
                var want = stacked ? new Shape([ScanOp.Steps(inputs[op.CarryCount].Spec), .. shape.ToArray()]) : shape;
                return block.Shape == want ? block : Ops.Reshape(block, want);
            }
        }
        return ScanOp.Part(g, op, inputs, carry, stacked);
    }

    /// <summary>The block [Begin, End) of the loop's result that <see cref="ScanOp.Part"/> cuts for a carry, or null when its layout is not handled.</summary>
    private static (int[] Begin, int[] End)? Region(Tensor g, ScanOp op, Tensor[] inputs, int carry, bool stacked)
    {
        int rank = g.Shape.Rank;
        var begin = new int[rank];
        var end = new int[rank];
        if (op.Batched)
        {
            if (rank != 3 || !g.Shape.IsFullyDefined) return null;
            int column = op.Column(carry);
            (begin[0], end[0]) = stacked ? (1, g.Shape[0]) : (0, 1);
            (begin[1], end[1]) = (0, g.Shape[1]);
            (begin[2], end[2]) = (column, column + op.Width(carry));
        }
        else
        {
            if (rank != 1) return null;
            var carries = new TensorSpec[op.CarryCount];
            for (int i = 0; i < carries.Length; i++) carries[i] = inputs[i].Spec;
            int steps = ScanOp.Steps(inputs[op.CarryCount].Spec), size = carries[carry].Shape.Size;
            begin[0] = stacked ? op.StackedOffset(carries, steps, carry) : ScanOp.FinalOffset(carries, carry);
            end[0] = begin[0] + (stacked ? steps * size : size);
        }
        return (begin, end);
    }

    /// <summary>Whether the traced <paramref name="g"/> is zero in the block [<paramref name="begin"/>, <paramref name="end"/>).</summary>
    private static bool Misses(Tensor g, int[] begin, int[] end)
    {
        // An eager gradient: the block's values themselves.
        if (!g.IsSymbolic && !g.IsDeferredUnread && g.DType.IsFloating()) return g.DType == DType.Float32 ? AllZero<float>(g, begin, end) : AllZero<double>(g, begin, end);
        if (!g.IsSymbolic || g.Node is not { } node || !g.Shape.IsFullyDefined) return false;
        if (node.Op is SliceGradOp placed && node.Inputs[0].Shape.IsFullyDefined && placed.Begin.Length == begin.Length)
        {
            var block = node.Inputs[0].Shape;
            for (int d = 0; d < begin.Length; d++)
                if (placed.Begin[d] >= end[d] || placed.Begin[d] + block[d] <= begin[d]) return true;
            return false;
        }
        return node.Op is AddOp && node.Inputs.Count == 2 && node.Inputs.All(x => x.Shape == g.Shape && Misses(x, begin, end));
    }

    /// <summary>Whether every value of the block [<paramref name="begin"/>, <paramref name="end"/>) of the concrete tensor <paramref name="g"/> is zero.</summary>
    private static bool AllZero<T>(Tensor g, int[] begin, int[] end) where T : unmanaged, System.Numerics.INumber<T>
    {
        var shape = g.Shape;
        int rank = shape.Rank;
        for (int d = 0; d < rank; d++) if (end[d] <= begin[d]) return true;
        var values = g.Lend<T>();
        if (rank == 0)
        {
            bool scalarZero = values[0] == T.Zero;
            GC.KeepAlive(g);
            return scalarZero;
        }
        var strides = shape.Strides();
        var at = (int[])begin.Clone();
        int width = end[rank - 1] - begin[rank - 1];
        bool zero = true;
        while (zero)
        {
            int offset = 0;
            for (int d = 0; d < rank; d++) offset += at[d] * strides[d];
            zero = !values.Slice(offset, width).ContainsAnyExcept(T.Zero);
            int axis = rank - 2;
            while (axis >= 0 && ++at[axis] == end[axis]) { at[axis] = begin[axis]; axis--; }
            if (axis < 0) break;
        }
        GC.KeepAlive(g);
        return zero;
    }

    /// <summary>Rows <paramref name="from"/> .. + <paramref name="count"/> of carry <paramref name="carry"/>'s stacked values in the loop's result (shape (count, ...carry shape)).</summary>
    private static Tensor StackedRows(Tensor result, ScanOp op, Tensor[] inputs, int carry, int from, int count)
    {
        var shape = inputs[carry].Shape;
        var want = new Shape([count, .. shape.ToArray()]);
        if (op.Batched)
        {
            var rows = Ops.Slice(result, [1 + from, 0, op.Column(carry)], [count, -1, op.Width(carry)]);
            return rows.Shape == want ? rows : Ops.Reshape(rows, want);
        }
        var carries = new TensorSpec[op.CarryCount];
        for (int i = 0; i < carries.Length; i++) carries[i] = inputs[i].Spec;
        int offset = op.StackedOffset(carries, ScanOp.Steps(inputs[op.CarryCount].Spec), carry);
        return Ops.Reshape(Ops.Slice(result, [offset + from * shape.Size], [count * shape.Size]), want);
    }

    /// <summary>
    /// The op nodes (not views, not already <paramref name="reused"/>) whose whole value the carries hold, each carry
    /// one row of axis 0 (<c>Squeeze(Slice(x, [j, 0, ...], [1, -1, ...]), 0)</c>, as <see cref="Ops.IndexAxis0"/> cuts
    /// it): with the carry of row j at index j. The backward body joins those carries' values after the step.
    /// </summary>
    private static List<(int Node, int[] Carries)> JoinedOutputs(ScanOp op, int[] reused, int[] preferred)
    {
        var body = op.Body;
        var rows = new Dictionary<int, int[]>();
        for (int i = 0; i < op.CarryCount; i++)
        {
            var squeeze = body.Nodes[body.OutputIds[i]];
            if (squeeze.Kind != GraphNodeKind.Op || squeeze.Op is not SqueezeOp || squeeze.Inputs.Count != 1) continue;
            var slice = body.Nodes[squeeze.Inputs[0]];
            if (slice.Kind != GraphNodeKind.Op || slice.Op is not SliceOp cut || slice.Inputs.Count != 1) continue;
            var source = body.Nodes[slice.Inputs[0]];
            var shape = source.Spec.Shape;
            if (source.Kind != GraphNodeKind.Op || source.Op!.MayReturnInputStorage || !shape.IsFullyDefined || shape.Rank < 1) continue;
            if (reused.Any(r => body.OutputIds[r] == source.Id)) continue;
            // One whole row of axis 0, its size-1 axis squeezed away.
            bool row = cut.Begin[0] >= 0 && cut.Begin[0] < shape[0] && cut.Size[0] == 1
                && squeeze.Spec.Shape == new Shape([.. shape.ToArray()[1..]]);
            for (int d = 1; d < shape.Rank && row; d++) row = cut.Begin[d] == 0 && (cut.Size[d] == -1 || cut.Size[d] == shape[d]);
            if (!row) continue;
            if (!rows.TryGetValue(source.Id, out var carries))
            {
                rows[source.Id] = carries = new int[shape[0]];
                Array.Fill(carries, -1);
            }
            // Of carries holding the same row, one whose values before each step the backward loop reads anyway.
            if (carries[cut.Begin[0]] < 0 || (!preferred.Contains(carries[cut.Begin[0]]) && preferred.Contains(i))) carries[cut.Begin[0]] = i;
        }
        return [.. rows.Where(r => r.Value.All(c => c >= 0)).Select(r => (r.Key, r.Value))];
    }

    /// <summary>
    /// Runs the body op by op (on the tape) and returns every node's value, by node id. A node with a
    /// <paramref name="known"/> value is not run: the tape records it as if the op had returned that value, so the
    /// gradient still flows to its inputs.
    /// </summary>
    private static Tensor?[] RunBody(Graph body, Tensor[] arguments, Dictionary<int, Tensor> known)
    {
        var values = new Tensor?[body.Nodes.Count];
        for (int i = 0; i < arguments.Length; i++) values[body.InputIds[i]] = arguments[i];
        var buffer = new List<Tensor>(4);
        foreach (var node in body.Nodes)
        {
            if (node.Kind != GraphNodeKind.Op) continue;
            buffer.Clear();
            foreach (int i in node.Inputs) buffer.Add(values[i]!);
            var ins = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer);
            if (known.TryGetValue(node.Id, out var value))
            {
                GradientTape.Record(node.Op!, ins, value);
                values[node.Id] = value;
            }
            else values[node.Id] = OpRunner.Run(node.Op!, ins);
        }
        return values;
    }

    private static Shape StepShape(Tensor sequence) => new([.. sequence.Shape.ToArray()[1..]]);
}
