namespace LayerGen.LayerGeneration.Tests;

/// <summary>
/// The runtime half of the generated <c>Invoke</c> (issue 23): <c>Layer.InvokeLayer</c> does the bookkeeping every
/// layer shares and calls back the class's <c>BuildLayer</c>, <c>BuildConfigFor</c> and <c>CallLayer</c>. Driven here
/// by a layer written without the generator, so each step is visible.
/// </summary>
public class InvokeLayerTests
{
    /// <summary>Records what InvokeLayer asks of it; throws from CallLayer on request.</summary>
    private sealed class Probe : Layer
    {
        public List<string> Log { get; } = [];
        public bool Fail { get; set; }
        public bool ReturnNull { get; set; }

        public Tensor Run(Tensor x, bool? training = null) => InvokeLayer(new CallArguments([x], null, training), trainingDefault: true)[0];

        public Tensor[] RunMany(Tensor a, Tensor b) => InvokeLayer(new CallArguments([a, b]), trainingDefault: null);

        public string NameScopeSeenByCall { get; private set; } = "";

        protected override void BuildLayer(CallArguments arguments) => Log.Add("build " + arguments.Tensors[0].Shape);

        protected override Tensor[] CallLayer(CallArguments arguments, bool training)
        {
            Log.Add("call training=" + training);
            NameScopeSeenByCall = CurrentNameScope;
            if (Fail) throw new InvalidOperationException("boom");
            return ReturnNull ? [null!] : [.. arguments.Tensors];
        }

        protected override Tensor[] InvokeRecorded(CallArguments arguments) => InvokeLayer(arguments, trainingDefault: true);
    }

    /// <summary>Relies on the base class's defaults: no BuildLayer, no CallLayer.</summary>
    private sealed class Bare : Layer
    {
        public Tensor Run(Tensor x) => InvokeLayer(new CallArguments([x]), trainingDefault: null)[0];

        protected override Tensor[] InvokeRecorded(CallArguments arguments) => InvokeLayer(arguments, trainingDefault: null);
    }

    [Fact]
    public void BuildsOnceRecordsTheBuildConfigAndResolvesTraining()
    {
        var probe = new Probe { Name = "probe" };
        probe.Run(Tensor.Zeros([2, 3]));
        probe.Run(Tensor.Zeros([4, 3]), training: false);
        Assert.Equal(["build (2, 3)", "call training=True", "call training=False"], probe.Log);
        Assert.Equal("""{"input_shape":[2,3]}""", probe.BuildConfig!.ToJsonString());
        Assert.Equal("probe", probe.NameScopeSeenByCall);
    }

    [Fact]
    public void ChecksLaterInputsAgainstTheSpecDerivedFromTheBuildShape()
    {
        var probe = new Probe { Name = "probe" };
        probe.Run(Tensor.Zeros([2, 3]));
        var error = Assert.ThrowsAny<Exception>(() => probe.Run(Tensor.Zeros([2, 4])));
        Assert.Contains("probe", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, probe.Log.Count); // the incompatible call never reached CallLayer
    }

    [Fact]
    public void SeveralTensorsWithoutAGeneratedBuildConfigForBuildFromTheFirst()
    {
        var probe = new Probe { Name = "pair" };
        var outputs = probe.RunMany(Tensor.Zeros([1, 2]), Tensor.Zeros([1, 5]));
        Assert.Equal(2, outputs.Length);
        Assert.Equal("""{"input_shape":[1,2]}""", probe.BuildConfig!.ToJsonString());
    }

    [Fact]
    public void ANullTensorIsRefusedBeforeAnythingRuns()
    {
        var probe = new Probe { Name = "probe" };
        var error = Assert.Throws<ArgumentNullException>(() => probe.Run(null!));
        Assert.Contains("\"probe\"", error.Message, StringComparison.Ordinal);
        Assert.Empty(probe.Log);
        Assert.False(probe.IsBuilt);
    }

    [Fact]
    public void TheCallFrameIsClosedWhenCallThrows()
    {
        var probe = new Probe { Name = "probe", Fail = true };
        Assert.Throws<InvalidOperationException>(() => probe.Run(Tensor.Zeros([1, 3])));
        Assert.Equal("", Layer.CurrentNameScope);
        Assert.True(probe.IsBuilt); // the build finished before Call threw, as before
    }

    [Fact]
    public void ACallThatReturnsNullIsReportedWithTheLayersName()
    {
        var probe = new Probe { Name = "probe", ReturnNull = true };
        var error = Assert.Throws<InvalidOperationException>(() => probe.Run(Tensor.Zeros([1, 3])));
        Assert.Contains("\"probe\" returned null", error.Message, StringComparison.Ordinal);
        Assert.Equal("", Layer.CurrentNameScope);
    }

    [Fact]
    public void ALayerWithoutAGeneratedCallLayerSaysSo()
    {
        var bare = new Bare { Name = "bare" };
        var error = Assert.Throws<NotSupportedException>(() => bare.Run(Tensor.Zeros([1])));
        Assert.Contains("[Layer]", error.Message, StringComparison.Ordinal);
        Assert.Equal("""{"input_shape":[1]}""", bare.BuildConfig!.ToJsonString()); // the default BuildLayer builds nothing
        Assert.Equal("", Layer.CurrentNameScope);
    }

    [Fact]
    public void AListCallRecordsTheListAndItsShapes()
    {
        Assert.Throws<ArgumentNullException>(() => CallArguments.OfList(null!));
        var tensors = new[] { Tensor.Zeros([1, 2]), Tensor.Zeros([1, 3]) };
        var arguments = CallArguments.OfList(tensors, training: true);
        Assert.True(arguments.IsList);
        Assert.NotSame(tensors, arguments.Tensors);
        Assert.Equal(tensors, arguments.Tensors);
        Assert.True(arguments.Training);
    }
}
