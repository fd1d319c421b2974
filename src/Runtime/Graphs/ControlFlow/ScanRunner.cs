namespace LayerGen.Graphs;

/// <summary>
/// Runs a <see cref="ScanOp"/>'s loop for one set of input specs: the body as an <see cref="ExecutionPlan"/>, buffers
/// for the carries and for one step of each sequence, made once; each step copies its slices in, runs the plan and
/// copies the next carries out (and into the result's stacked rows). Nothing is allocated per step or per run. Not
/// thread-safe: the op lends it to one run at a time.
/// </summary>
internal sealed class ScanRunner
{
    private readonly ScanOp _op;
    private readonly TensorSpec[] _specs;
    private readonly ExecutionPlan _plan;
    private readonly RunFixedInputs _fixed;
    private readonly Tensor[] _arguments;
    private readonly Tensor[] _carries;
    private readonly Tensor[] _slices;
    private readonly Tensor?[] _variableCopies;
    private readonly int[] _finalOffsets;
    private readonly int[] _stackedOffsets;
    private readonly int _steps;
    // Carries the body reads: their next values are copied into the carry buffers; the others (an RNN's output, a
    // value kept for the backward pass, a gradient loop's stacked slots) go from the plan's outputs to the result only.
    private readonly bool[] _read;
    // Sequences the body reads: the others are not copied in at each step (a gradient loop gets every forward sequence,
    // and its body often reads none: an LSTM's projected inputs, whose gate pre-activations the loop kept).
    private readonly bool[] _sequenceRead;
    private readonly Tensor?[] _last;
    // Batched layout (ScanOp.Batched): the batch size, the result's width and each carry's columns and width.
    private readonly int _batch, _width;
    private readonly int[] _columns = [], _widths = [];
    // Sequences read as columns of a batched result (ScanOp.Views): column, width and the result's row width, or -1.
    private readonly int[] _viewColumns, _viewWidths, _viewRows, _viewShifts, _viewFirsts;

    public ScanRunner(ScanOp op, ReadOnlySpan<Tensor> inputs)
    {
        _op = op;
        int k = op.CarryCount, m = op.SequenceCount;
        _specs = new TensorSpec[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) _specs[i] = inputs[i].Spec;
        var planSpecs = new TensorSpec[inputs.Length];
        _carries = new Tensor[k];
        _slices = new Tensor[m];
        _arguments = new Tensor[inputs.Length];
        for (int i = 0; i < k; i++)
        {
            planSpecs[i] = _specs[i];
            _carries[i] = Tensor.Zeros(_specs[i].Shape, _specs[i].DType);
            _arguments[i] = _carries[i];
        }
        for (int q = 0; q < m; q++)
        {
            var s = _specs[k + q];
            planSpecs[k + q] = op.Views?[q] is not null ? op.Body.InputSpecs[k + q] : new TensorSpec(new Shape([.. s.Shape.ToArray()[1..]]), s.DType);
            _slices[q] = Tensor.Zeros(planSpecs[k + q].Shape, s.DType);
            _arguments[k + q] = _slices[q];
        }
        // Captured variables are copied once per run into buffers of the runner: the body reads plain tensors at every step.
        _variableCopies = new Tensor?[inputs.Length];
        for (int c = k + m; c < inputs.Length; c++)
        {
            planSpecs[c] = _specs[c];
            if (inputs[c].IsMutable) _variableCopies[c] = Tensor.Zeros(_specs[c].Shape, _specs[c].DType);
        }
        // The captured inputs keep their values for all the steps of a run: products by them (the recurrent kernel) pack
        // the weight once per run, not once per step.
        _fixed = new RunFixedInputs([.. Enumerable.Range(k + m, inputs.Length - k - m)]);
        _plan = ExecutionPlan.Create(op.Body, planSpecs, _fixed);
        _steps = ScanOp.Steps(_specs[k]);
        _viewColumns = new int[m];
        _viewWidths = new int[m];
        _viewRows = new int[m];
        _viewShifts = new int[m];
        _viewFirsts = new int[m];
        for (int q = 0; q < m; q++)
        {
            if (op.Views?[q] is { } view)
                (_viewColumns[q], _viewWidths[q], _viewRows[q], _viewShifts[q], _viewFirsts[q]) = (view.Column, view.Width, _specs[k + q].Shape[2], view.Shift, view.First);
            else _viewColumns[q] = -1;
        }
        _read = new bool[k];
        _last = new Tensor?[k];
        for (int i = 0; i < k; i++) _read[i] = ScanBody.ReadsInput(op.Body, i) || op.Body.Nodes[op.Body.OutputIds[i]].Kind != GraphNodeKind.Op;
        _sequenceRead = new bool[m];
        for (int q = 0; q < m; q++) _sequenceRead[q] = ScanBody.ReadsInput(op.Body, k + q);
        var carrySpecs = _specs[..k];
        _finalOffsets = new int[k];
        _stackedOffsets = new int[k];
        for (int i = 0; i < k; i++)
        {
            _finalOffsets[i] = ScanOp.FinalOffset(carrySpecs, i);
            _stackedOffsets[i] = !op.Stacked.Contains(i) ? -1 : op.Batched ? 0 : op.StackedOffset(carrySpecs, _steps, i);
        }
        if (op.Batched)
        {
            _batch = _specs[0].Shape[0];
            _columns = new int[k];
            _widths = new int[k];
            for (int i = 0; i < k; i++) { _columns[i] = op.Column(i); _widths[i] = op.Width(i); _width += _widths[i]; }
        }
    }

    /// <summary>Whether the inputs have the specs this runner was made for.</summary>
    public bool Fits(ReadOnlySpan<Tensor> inputs)
    {
        if (inputs.Length != _specs.Length) return false;
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i].Spec != _specs[i]) return false;
        return true;
    }

    /// <summary>Runs the loop on <paramref name="inputs"/> into <paramref name="result"/> (the op's flat output).</summary>
    public void Run(ReadOnlySpan<Tensor> inputs, Tensor result)
    {
        int k = _op.CarryCount, m = _op.SequenceCount;
        _fixed.Changed();
        for (int i = 0; i < k; i++) Copy(inputs[i], 0, _carries[i], 0, _carries[i].Shape.Size);
        for (int c = k + m; c < inputs.Length; c++)
        {
            if (_variableCopies[c] is { } copy)
            {
                Copy(inputs[c], 0, copy, 0, copy.Shape.Size);
                _arguments[c] = copy;
            }
            else _arguments[c] = inputs[c];
        }
        for (int s = 0; s < _steps; s++)
        {
            int t = _op.Reverse ? _steps - 1 - s : s;
            for (int q = 0; q < m; q++)
            {
                if (!_sequenceRead[q]) continue;
                int size = _slices[q].Shape.Size;
                if (_viewColumns[q] >= 0) CopyView(q, inputs, k + q, t);
                else Copy(inputs[k + q], t * size, _slices[q], 0, size);
            }
            var outputs = _plan.RunAll(_arguments);
            for (int i = 0; i < k; i++)
            {
                if (_read[i]) Copy(outputs[i], 0, _carries[i], 0, _carries[i].Shape.Size);
                else _last[i] = outputs[i];
                if (_stackedOffsets[i] >= 0) Store(i, result, t);
            }
        }
        for (int i = 0; i < k; i++) Store(i, result, -1);
        Array.Clear(_last);
        // Do not keep the caller's captured tensors alive.
        for (int c = k + m; c < inputs.Length; c++) _arguments[c] = null!;
    }

    /// <summary>Writes carry <paramref name="carry"/> into the result: its value after step <paramref name="step"/>, or with -1 its final value.</summary>
    private void Store(int carry, Tensor result, int step)
    {
        // An unread carry's value is the plan's output of the last step (the initial value when there was no step).
        var value = _read[carry] ? _carries[carry] : _last[carry] ?? _carries[carry];
        if (!_op.Batched)
        {
            int size = value.Shape.Size;
            Copy(value, 0, result, step < 0 ? _finalOffsets[carry] : _stackedOffsets[carry] + step * size, size);
            return;
        }
        // Row 0: final values; row 1 + t: after step t. Each batch row of the carry goes to its own columns.
        int width = _widths[carry], at = (step + 1) * _batch * _width + _columns[carry];
        // One carry filling the whole row: the batch rows are contiguous, one copy.
        if (width == _width) { Copy(value, 0, result, at, _batch * width); return; }
        switch (value.DType)
        {
            case DType.Float32: CopyRows<float>(value, result, at, width); break;
            case DType.Float64: CopyRows<double>(value, result, at, width); break;
            case DType.Int32: CopyRows<int>(value, result, at, width); break;
            case DType.Int64: CopyRows<long>(value, result, at, width); break;
            default: CopyRows<bool>(value, result, at, width); break;
        }
        GC.KeepAlive(value);
        GC.KeepAlive(result);
    }

    /// <summary>Copies each of the <c>_batch</c> rows of <paramref name="value"/> (<paramref name="width"/> wide) to its row of the result from <paramref name="at"/>, lending each buffer once.</summary>
    private void CopyRows<T>(Tensor value, Tensor result, int at, int width) where T : unmanaged
    {
        Span<T> source = value.Lend<T>(), target = result.Lend<T>();
        for (int b = 0; b < _batch; b++) source.Slice(b * width, width).CopyTo(target.Slice(at + b * _width, width));
    }

    /// <summary>Step <paramref name="t"/> of a viewed sequence (<see cref="ScanView"/>): row 1 + t + shift's columns of the result <c>inputs[input]</c>, batch row by batch row, or the view's first input.</summary>
    private void CopyView(int q, ReadOnlySpan<Tensor> inputs, int input, int t)
    {
        var slice = _slices[q];
        var source = inputs[input];
        int width = _viewWidths[q], row = _viewRows[q], rows = source.Shape[1], from = 1 + t + _viewShifts[q];
        // Outside the stacked rows (before the first step, after the last): the view's own input.
        if (from < 1 || from > _steps) { Copy(inputs[_viewFirsts[q]], 0, slice, 0, slice.Shape.Size); return; }
        int at = from * rows * row + _viewColumns[q];
        switch (source.DType)
        {
            case DType.Float32: CopyColumns<float>(source, slice, at, rows, width, row); break;
            case DType.Float64: CopyColumns<double>(source, slice, at, rows, width, row); break;
            case DType.Int32: CopyColumns<int>(source, slice, at, rows, width, row); break;
            case DType.Int64: CopyColumns<long>(source, slice, at, rows, width, row); break;
            default: CopyColumns<bool>(source, slice, at, rows, width, row); break;
        }
        GC.KeepAlive(source);
        GC.KeepAlive(slice);
    }

    private static void CopyColumns<T>(Tensor source, Tensor target, int at, int rows, int width, int row) where T : unmanaged
    {
        Span<T> from = source.Lend<T>(), to = target.Lend<T>();
        for (int b = 0; b < rows; b++) from.Slice(at + b * row, width).CopyTo(to.Slice(b * width, width));
    }

    private static void Copy(Tensor source, int sourceOffset, Tensor target, int targetOffset, int count)
    {
        switch (source.DType)
        {
            case DType.Float32: source.Lend<float>().Slice(sourceOffset, count).CopyTo(target.Lend<float>().Slice(targetOffset, count)); break;
            case DType.Float64: source.Lend<double>().Slice(sourceOffset, count).CopyTo(target.Lend<double>().Slice(targetOffset, count)); break;
            case DType.Int32: source.Lend<int>().Slice(sourceOffset, count).CopyTo(target.Lend<int>().Slice(targetOffset, count)); break;
            case DType.Int64: source.Lend<long>().Slice(sourceOffset, count).CopyTo(target.Lend<long>().Slice(targetOffset, count)); break;
            default: source.Lend<bool>().Slice(sourceOffset, count).CopyTo(target.Lend<bool>().Slice(targetOffset, count)); break;
        }
        GC.KeepAlive(source);
        GC.KeepAlive(target);
    }
}
