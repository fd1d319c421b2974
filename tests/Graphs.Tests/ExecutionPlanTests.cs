namespace LayerGen.Graphs.Tests;

/// <summary>
/// <see cref="ExecutionPlan"/>: planned buffers give the same values as eager execution, run after run,
/// share buffers only between values whose lifetimes do not overlap, and allocate nothing once warm.
/// </summary>
public class ExecutionPlanTests
{
    [Fact]
    public void EveryOpInAPlanEqualsEagerExecution_TwiceInARow()
    {
        var failures = new List<string>();
        foreach (var (op, inputs) in OpGraphTests.Cases())
        {
            try
            {
                // The op, then an elementwise op that may write in place over the op's output.
                var eagerOut = OpRunner.Run(op, inputs);
                bool chain = eagerOut.DType.IsFloating();
                Tensor Function(Tensor[] p)
                {
                    var y = OpRunner.Run(op, p);
                    return chain ? Ops.Neg(y) : y;
                }
                var expected = chain ? Ops.Neg(eagerOut) : eagerOut;
                var graph = Graph.Trace(p => [Function(p)], [.. inputs.Select(i => i.Spec)]);
                var plan = ExecutionPlan.Create(graph, [.. inputs.Select(i => i.Spec)]);
                for (int run = 0; run < 2; run++)
                {
                    var got = plan.RunAll(inputs)[0];
                    if (got.Spec != expected.Spec || !got.AsBytes().SequenceEqual(expected.AsBytes()))
                        failures.Add($"{op} (run {run + 1}): plan gives {got.Spec} {got}, eager {expected.Spec} {expected}");
                }
            }
            catch (Exception e) { failures.Add($"{op}: {e.GetType().Name}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private sealed class Mlp
    {
        private readonly Variable _w1, _b1, _w2, _b2, _w3, _b3;

        public Mlp(int seed)
        {
            var g = new RandomGenerator(seed);
            _w1 = new Variable(g.Normal([20, 16]) * 0.3f); _b1 = new Variable(g.Normal([16]));
            _w2 = new Variable(g.Normal([16, 16]) * 0.3f); _b2 = new Variable(g.Normal([16]));
            _w3 = new Variable(g.Normal([16, 3]) * 0.3f); _b3 = new Variable(g.Normal([3]));
        }

        public Variable B3 => _b3;

        public Tensor Call(Tensor x)
            => Ops.MatMul(Ops.Relu(Ops.MatMul(Ops.Tanh(Ops.MatMul(x, _w1) + _b1), _w2) + _b2), _w3) + _b3;
    }

    [Fact]
    public void MlpPlanEqualsEagerOnEveryRun_WithThreeBuffers()
    {
        var model = new Mlp(5);
        var plan = TensorFunction.Trace(model.Call).Plan(new TensorSpec([8, 20], DType.Float32));
        // Each MatMul → bias Add (→ activation) is one fused step; the first buffer is free again for the third.
        Assert.Equal(3, plan.StepCount);
        Assert.Equal(3, plan.BufferCount);
        var g = new RandomGenerator(9);
        for (int run = 0; run < 5; run++)
        {
            var x = g.Normal([8, 20]);
            Assert.Equal(model.Call(x).ToArray<float>(), plan.Run(x).ToArray<float>());
        }
    }

    [Fact]
    public void FusedDenseStepsEqualTheUnfusedOps()
    {
        var g = new RandomGenerator(4);
        Tensor w = g.Normal([5, 4]), wt = g.Normal([4, 5]), b = g.Normal([4]), b2 = g.Normal([1, 4]);
        var cases = new (string Name, Func<Tensor, Tensor> F, int Steps)[]
        {
            ("relu", x => Ops.Relu(Ops.MatMul(x, w) + b), 1),
            ("sigmoid, bias first", x => Ops.Sigmoid(b + Ops.MatMul(x, w)), 1),
            ("tanh, (1, n) bias", x => Ops.Tanh(Ops.MatMul(x, w) + b2), 1),
            ("no activation, transposed weights", x => Ops.MatMul(x, wt, transposeB: true) + b, 1),
            ("bias computed after the MatMul", x => Ops.Relu(Ops.MatMul(x, w) + b * Ops.Mean(x)), 3),
            ("MatMul also used elsewhere: not fused", x => { var m = Ops.MatMul(x, w); return Ops.Relu(m + b) * m; }, 4),
        };
        foreach (var (name, f, steps) in cases)
        {
            var plan = TensorFunction.Trace(f).Plan(new TensorSpec([3, 5], DType.Float32));
            Assert.True(steps == plan.StepCount, $"{name}: {plan.StepCount} steps, expected {steps}");
            for (int run = 0; run < 2; run++)
            {
                var x = g.Normal([3, 5]);
                Assert.True(f(x).AsBytes().SequenceEqual(plan.Run(x).AsBytes()), name);
            }
        }
        // A pre-activation value that is also returned keeps its own step.
        var both = TensorFunction.Trace(xs => { var z = Ops.MatMul(xs[0], w) + b; return [Ops.Relu(z), z]; }, 1).Plan(new TensorSpec([3, 5], DType.Float32));
        Assert.Equal(2, both.StepCount);
        var x2 = g.Normal([3, 5]);
        var outs = both.RunAll(x2);
        Assert.Equal((Ops.MatMul(x2, w) + b).ToArray<float>(), outs[1].ToArray<float>());
        Assert.Equal(Ops.Relu(Ops.MatMul(x2, w) + b).ToArray<float>(), outs[0].ToArray<float>());
    }

    [Fact]
    public void FusedConvStepsEqualTheUnfusedOps()
    {
        var g = new RandomGenerator(5);
        Tensor w = g.Normal([3, 3, 2, 4]), b = g.Normal([4]), b4 = g.Normal([1, 1, 1, 4]), wide = g.Normal([6, 4]);
        int[] s = [1, 1], p = [1, 1, 1, 1], d = [1, 1];
        var cases = new (string Name, Func<Tensor, Tensor> F, int Steps)[]
        {
            ("relu", x => Ops.Relu(Ops.Conv(x, w, s, p, d) + b), 1),
            ("sigmoid, bias first, (1, 1, 1, n) bias", x => Ops.Sigmoid(b4 + Ops.Conv(x, w, s, p, d)), 1),
            ("tanh", x => Ops.Tanh(Ops.Conv(x, w, [2, 1], [0, 0, 1, 1], d) + b), 1),
            ("no activation", x => Ops.Conv(x, w, s, p, d) + b, 1),
            ("bias varying along a spatial axis: not fused", x => Ops.Conv(x, w, s, p, d) + wide, 2),
            ("conv also used elsewhere: not fused", x => { var c = Ops.Conv(x, w, s, p, d); return Ops.Relu(c + b) * c; }, 4),
        };
        foreach (var (name, f, steps) in cases)
        {
            var plan = TensorFunction.Trace(f).Plan(new TensorSpec([2, 5, 6, 2], DType.Float32));
            Assert.True(steps == plan.StepCount, $"{name}: {plan.StepCount} steps, expected {steps}");
            for (int run = 0; run < 2; run++)
            {
                var x = g.Normal([2, 5, 6, 2]);
                Assert.True(f(x).AsBytes().SequenceEqual(plan.Run(x).AsBytes()), name);
            }
            Assert.Empty(plan.AllocatingSteps);
        }
    }

    [Fact]
    public void ConvThenMaxPoolRunsAsOneStepOverSlicesOfTheBatch()
    {
        // 40 images of 28×28×32 outputs: slices of a few images on both threads, the last slice shorter; 27 → 13 pooled
        // leaves a row and column unread. Same bytes as the eager ops; a conv output used elsewhere is not fused.
        var g = new RandomGenerator(7);
        Tensor w = g.Normal([3, 3, 1, 32]), b = g.Normal([32]);
        Tensor w2 = g.Normal([2, 3, 2, 64]), b2 = g.Normal([64]);
        int[] s = [1, 1], p = [0, 0, 0, 0], d = [1, 1], k = [2, 2];
        var cases = new (string Name, Func<Tensor, Tensor> F, int Steps, int[] Input)[]
        {
            ("relu then pool", x => Ops.MaxPool(Ops.Relu(Ops.Conv(x, w, s, p, d) + b), k, k, p), 1, [40, 30, 30, 1]),
            // Shallow windows (depth <= 32) with a 2×2 pool run the direct kernel (ConvPoolDirect): also 2 channels, 64 filters, no activation.
            ("direct kernel: 2×3 window over 2 channels, 64 filters, no activation", x => Ops.MaxPool(Ops.Conv(x, w2, s, p, d) + b2, k, k, p), 1, [5, 12, 13, 2]),
            ("direct kernel: 2×3 window, relu", x => Ops.MaxPool(Ops.Relu(Ops.Conv(x, w2, s, p, d) + b2), k, k, p), 1, [33, 9, 10, 2]),
            // The eager convolution runs ConvDirect (shallow window) and the plan's ConvPoolStep im2col + GEMM (3×3 pool): same bits.
            ("direct eager vs GEMM plan: 2 channels, 64 filters, 11 columns, 3×3 pool", x => Ops.MaxPool(Ops.Relu(Ops.Conv(x, w2, s, p, d) + b2), [3, 3], k, p), 1, [3, 8, 13, 2]),
            ("odd sizes, overlapping 3×3 pool, no activation", x => Ops.MaxPool(Ops.Conv(x, w, s, p, d) + b, [3, 3], k, p), 1, [3, 29, 30, 1]),
            ("conv value also an output: not fused with the pool", x => Ops.Relu(Ops.Conv(x, w, s, p, d) + b), 1, [2, 9, 9, 1]),
        };
        foreach (var (name, f, steps, input) in cases)
        {
            var plan = TensorFunction.Trace(f).Plan(new TensorSpec(input, DType.Float32));
            Assert.True(steps == plan.StepCount, $"{name}: {plan.StepCount} steps, expected {steps}");
            for (int run = 0; run < 2; run++)
            {
                var x = g.Normal(input);
                Assert.True(f(x).AsBytes().SequenceEqual(plan.Run(x).AsBytes()), name);
            }
            Assert.Empty(plan.AllocatingSteps);
        }
        var both = TensorFunction.Trace(xs => { var c = Ops.Relu(Ops.Conv(xs[0], w, s, p, d) + b); return [Ops.MaxPool(c, k, k, p), c]; }, 1)
            .Plan(new TensorSpec([2, 9, 9, 1], DType.Float32));
        Assert.Equal(2, both.StepCount);
    }

    [Fact]
    public void ValuesThatShareStorageAreNotOverwrittenWhileInUse()
    {
        // r is a view of a; c must not be written in place over a while r still needs it.
        static Tensor F(Tensor x)
        {
            var a = x * 2f;
            var r = Ops.Reshape(a, [6]);
            var c = a + 1f;
            var d = Ops.Reshape(c, [6]) * r;
            var e = Ops.Exp(d);
            return e - r;
        }
        var x = Tensor.From(new[,] { { 0.1f, -0.2f, 0.3f }, { 0.4f, 0.5f, -0.6f } });
        var plan = TensorFunction.Trace(F).Plan(x.Spec);
        for (int run = 0; run < 3; run++) Assert.Equal(F(x).ToArray<float>(), plan.Run(x).ToArray<float>());
    }

    [Fact]
    public void SteadyStateRunsAllocateNothing()
    {
        var g = new RandomGenerator(3);
        Tensor w1 = g.Normal([3, 3]), b1 = g.Normal([3]), w2 = g.Normal([3, 2]), b2 = g.Normal([2]);
        var plan = TensorFunction.Trace(x => Ops.MatMul(Ops.Relu(Ops.MatMul(x, w1) + b1), w2) + b2).Plan(new TensorSpec([1, 3], DType.Float32));
        var input = g.Normal([1, 3]);
        for (int i = 0; i < 10; i++) plan.Run(input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) plan.Run(input);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);

        // Reductions and a general broadcast ((64, 1) + (1, 40)): the reduced-axes mask is kept by the op, the
        // kernels' stride bookkeeping lives on the stack.
        static Tensor[] Reductions(Tensor[] xs) =>
            [Ops.Sum(xs[0], axis: -1) * Ops.Max(xs[0]), Ops.Sum(xs[0], axis: -1, keepDims: true) + Ops.Sum(xs[0], axis: 0, keepDims: true)];
        var sums = TensorFunction.Trace(Reductions, 1).Plan(new TensorSpec([64, 40], DType.Float32));
        var sumInput = g.Normal([64, 40]);
        var expected = Reductions([sumInput]);
        for (int i = 0; i < 5; i++)
        {
            var outputs = sums.RunAll(sumInput);
            for (int k = 0; k < 2; k++) Assert.Equal(expected[k].ToArray<float>(), outputs[k].ToArray<float>());
        }
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) sums.RunAll(sumInput);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // Products large enough to be split over the cores (the fork-join pool), with weights packed by the plan.
        Tensor w3 = g.Normal([200, 300]), b3 = g.Normal([300]);
        var large = TensorFunction.Trace(x => Ops.Relu(Ops.MatMul(x, w3) + b3)).Plan(new TensorSpec([64, 200], DType.Float32));
        var largeInput = g.Normal([64, 200]);
        for (int i = 0; i < 10; i++) large.Run(largeInput);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) large.Run(largeInput);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ViewStepsAllocateNothingOnceWarm()
    {
        // InputLayer -> Flatten -> Dense: the Flatten is a view of the plan's input, made once while the caller
        // passes the same input tensor, again (and then reused) when it passes another.
        var model = new LayerGen.Models.Sequential([
            new LayerGen.Layers.InputLayer(shape: [4, 3]),
            new LayerGen.Layers.Flatten(),
            new LayerGen.Layers.Dense(5, activation: "relu"),
        ]);
        var g = new RandomGenerator(5);
        Tensor x = g.Normal([2, 4, 3]), other = g.Normal([2, 4, 3]);
        var plan = model.Plan(x.Spec);
        for (int i = 0; i < 3; i++) plan.Run(x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) plan.Run(x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        foreach (var input in new[] { other, x, other })
        {
            var expected = model.Predict(input, verbose: 0).ToArray<float>();
            var actual = plan.Run(input).ToArray<float>();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void ConvNetPlannedForwardAllocatesNothing()
    {
        // The keras.io convnet of issue 16 (benchmarks/LayerGen.Benchmarks/ConvNetBenchmarks.cs), at batch 4.
        var model = new LayerGen.Models.Sequential([
            new LayerGen.Layers.InputLayer(shape: [28, 28, 1]),
            new LayerGen.Layers.Conv2D(32, kernelSize: 3, activation: "relu"),
            new LayerGen.Layers.MaxPooling2D(poolSize: [2, 2]),
            new LayerGen.Layers.Conv2D(64, kernelSize: 3, activation: "relu"),
            new LayerGen.Layers.MaxPooling2D(poolSize: [2, 2]),
            new LayerGen.Layers.Flatten(),
            new LayerGen.Layers.Dropout(0.5),
            new LayerGen.Layers.Dense(10, activation: "softmax"),
        ]);
        var x = new RandomGenerator(6).Uniform([4, 28, 28, 1]);
        var plan = model.Plan(x.Spec);
        for (int i = 0; i < 3; i++) plan.Run(x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) plan.Run(x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Empty(plan.AllocatingSteps);
        var expected = model.Predict(x, verbose: 0).ToArray<float>();
        var actual = plan.Run(x).ToArray<float>();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void SpanOverloadCopiesInAndOut()
    {
        var w = Tensor.From(new[,] { { 1f, 2f }, { 3f, 4f } });
        var plan = TensorFunction.Trace(x => Ops.MatMul(x, w)).Plan(new TensorSpec([1, 2], DType.Float32));
        Span<float> output = stackalloc float[2];
        plan.Run([1f, 1f], output);
        Assert.Equal([4f, 6f], output.ToArray());
        var e = Assert.Throws<ArgumentException>(() => plan.Run([1f, 1f, 1f], new float[2]));
        Assert.Contains("takes 2 float32 values; got 3", e.Message);
    }

    [Fact]
    public void OutputsBelongToThePlanAndVariablesAreReadAtEachRun()
    {
        var model = new Mlp(1);
        var plan = TensorFunction.Trace(model.Call).Plan(new TensorSpec([2, 20], DType.Float32));
        var x = Tensor.Ones([2, 20]);
        var first = plan.Run(x);
        var kept = first.ToArray<float>();
        model.B3.Assign(model.B3 + 1f);
        var second = plan.Run(x);
        Assert.Same(first, second);
        Assert.Equal(kept.Select(v => v + 1f).ToArray(), second.ToArray<float>(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void WeightsPackedByThePlanFollowAssignmentsAndOptimizerSteps()
    {
        // Large enough for the blocked GEMM, so the dense steps pack their weights once: a fused layer, a lone
        // MatMul by a narrow variable (the 16-wide tile) and a constant weight, transposed.
        var g = new RandomGenerator(12);
        var w1 = new Variable(g.Normal([40, 24]) * 0.2f);
        var b1 = new Variable(g.Normal([24]));
        var w2 = new Variable(g.Normal([24, 7]) * 0.3f);
        Tensor w3 = g.Normal([5, 7]);
        Tensor F(Tensor x) => Ops.MatMul(Ops.MatMul(Ops.Relu(Ops.MatMul(x, w1) + b1), w2), w3, transposeB: true);
        var plan = TensorFunction.Trace(F).Plan(new TensorSpec([32, 40], DType.Float32));
        Assert.Equal(3, plan.StepCount);
        var x = g.Normal([32, 40]);
        void Same(string when) => Assert.True(F(x).AsBytes().SequenceEqual(plan.Run(x).AsBytes()), when);
        Same("first run");
        Same("second run");
        w1.Assign(w1 * 0.5f);
        Same("after Assign");
        w2.AssignSub(Tensor.Ones([24, 7]) * 0.01f);
        Same("after AssignSub");
        var optimizer = new LayerGen.Optimizers.SGD(learningRate: 0.1);
        optimizer.ApplyGradients([(g.Normal([40, 24]), w1), (g.Normal([24, 7]), w2)]);
        Same("after an optimizer step");
    }

    [Fact]
    public void ARunInsideARunOfTheSamePlanIsRefused()
    {
        ExecutionPlan? plan = null;
        Exception? inner = null;
        // What the guard is for is a second thread calling Run while a first run is inside a kernel; re-entering
        // the plan from a kernel it runs is the same shared-buffer hazard, made deterministic.
        var reentering = new ReenteringOp(() =>
        {
            try { plan!.Run(Tensor.Ones([2])); }
            catch (InvalidOperationException e) { inner = e; }
        });
        var graph = Graph.Trace(p => [OpRunner.Run(reentering, p[0])], [new TensorSpec([2], DType.Float32)]);
        plan = ExecutionPlan.Create(graph, new TensorSpec([2], DType.Float32));
        plan.Run(Tensor.Ones([2]));
        Assert.NotNull(inner);
        Assert.Contains("not thread-safe", inner!.Message);
        Assert.Equal([1f, 1f], plan.Run(Tensor.Ones([2])).ToArray<float>()); // usable afterwards
    }

    /// <summary>An identity-like op whose kernel calls back, to re-enter a plan from inside a run.</summary>
    private sealed class ReenteringOp(Action callback) : UnaryElementwiseOp
    {
        public override string Name => "Reentering";
        public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        {
            callback();
            return Ops.Abs(inputs[0]);
        }
        public override Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output) => [outputGradient];
    }

    [Fact]
    public void WrongInputsGiveClearErrors()
    {
        var w = Tensor.Ones([3, 2]);
        var function = TensorFunction.Trace(x => Ops.MatMul(x, w), inputSignature: [new TensorSpec(new Shape(-1, 3), DType.Float32)]);
        var unknown = Assert.Throws<ArgumentException>(() => function.GetConcreteFunction(new TensorSpec(new Shape(-1, 3), DType.Float32)).Plan());
        Assert.Contains("fully defined shape", unknown.Message);
        var plan = function.Plan(new TensorSpec([4, 3], DType.Float32));
        var e = Assert.Throws<ArgumentException>(() => plan.Run(Tensor.Ones([5, 3])));
        Assert.Contains("(4, 3)", e.Message);
        Assert.Contains("(5, 3)", e.Message);
        Assert.Contains("make another plan", e.Message);
        var wrongGraph = Assert.Throws<ArgumentException>(() => function.GetConcreteFunction(new TensorSpec([4, 3], DType.Float32)).Plan(new TensorSpec([4, 5], DType.Float32)));
        Assert.Contains("does not fit", wrongGraph.Message);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
