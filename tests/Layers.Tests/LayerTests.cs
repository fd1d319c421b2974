using LayerGen.Layers;

namespace LayerGen.Tests.Layers;

public class LayerTests
{
    static Tensor T(float[,] v) => Tensor.From(v);

    [Fact]
    public void Walkthrough7_BuildsOnceAndChecksInputs()
    {
        Keras.ClearSession();
        var flexibleDense = new FlexibleDense(outFeatures: 3);
        Assert.Empty(flexibleDense.Variables);
        var y = flexibleDense.Invoke(T(new[,] { { 2f, 2f, 2f }, { 3f, 3f, 3f } }));
        Assert.Equal(new Shape(2, 3), y.Shape);
        Assert.Equal(2, flexibleDense.Variables.Count);
        flexibleDense.Invoke(T(new[,] { { 1f, 1f, 1f } }));
        Assert.Equal(1, flexibleDense.BuildCount);
        Assert.Equal("{\"input_shape\":[2,3]}", flexibleDense.BuildConfig!.ToJsonString());
        var e = Assert.Throws<IncompatibleInputException>(() => flexibleDense.Invoke(T(new[,] { { 2f, 2f, 2f, 2f } })));
        Assert.Equal("Input 0 of layer \"flexible_dense\" is incompatible with the layer: expected axis -1 of input shape to have value 3, but received input with shape (1, 4)", e.Message);
    }

    [Fact]
    public void InputSpecMessages()
    {
        var rank = Assert.Throws<IncompatibleInputException>(() => new InputSpec(ndim: 2).Check(Tensor.Zeros([3]), 0, "d"));
        Assert.Equal("Input 0 of layer \"d\" is incompatible with the layer: expected ndim=2, found ndim=1. Full shape received: (3,)", rank.Message);
        var min = Assert.Throws<IncompatibleInputException>(() => new InputSpec(minNdim: 2).Check(Tensor.Zeros([3]), 1, "d"));
        Assert.Equal("Input 1 of layer \"d\" is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (3,)", min.Message);
        var max = Assert.Throws<IncompatibleInputException>(() => new InputSpec(maxNdim: 1).Check(Tensor.Zeros([3, 1]), 0, "d"));
        Assert.Equal("Input 0 of layer \"d\" is incompatible with the layer: expected max_ndim=1, found ndim=2", max.Message);
        var dtype = Assert.Throws<IncompatibleInputException>(() => new InputSpec(dtype: DType.Float32).Check(Tensor.Zeros([3], DType.Int32), 0, "d"));
        Assert.Equal("Input 0 of layer \"d\" is incompatible with the layer: expected dtype=float32, found dtype=int32", dtype.Message);
        var shape = Assert.Throws<IncompatibleInputException>(() => new InputSpec(shape: new Shape(-1, 3)).Check(Tensor.Zeros([2, 4]), 0, "d"));
        Assert.Equal("Input 0 of layer \"d\" is incompatible with the layer: expected shape=(None, 3), found shape=(2, 4)", shape.Message);
        new InputSpec(shape: new Shape(-1, 3)).Check(Tensor.Placeholder(new Shape(-1, 3)), 0, "d");
    }

    [Fact]
    public void DenseChecksWithItsOwnSpec()
    {
        var dense = new Dense(2);
        dense.Invoke(Tensor.Zeros([1, 3]));
        var e = Assert.Throws<IncompatibleInputException>(() => dense.Invoke(Tensor.Zeros([3])));
        Assert.Contains("expected min_ndim=2, found ndim=1", e.Message);
        Assert.Equal(["kernel", "bias"], dense.Variables.Select(v => v.Name));
        Assert.Equal(new Shape(3, 2), dense.Kernel!.Shape);
    }

    [Fact]
    public void ConstructorVariablesWithoutBuild()
    {
        var layer = new MyDense(3, 2);
        Assert.Equal(2, layer.Variables.Count);
        var y = layer.Invoke(Tensor.Ones([4, 3]));
        Assert.Equal(new Shape(4, 2), y.Shape);
        Assert.True(y.ToArray<float>().All(v => v >= 0));
    }

    [Fact]
    public void StateIsLockedAfterBuild()
    {
        var layer = new LossyLayer(0.1);
        layer.Invoke(Tensor.Ones([2, 3]));
        var e = Assert.Throws<LayerStateException>(layer.AddLateWeight);
        Assert.StartsWith("You cannot add new elements of state (variables or sub-layers) to a layer that is already built.", e.Message);
    }

    [Fact]
    public void WeightsTrainableFirstThenSubLayers()
    {
        var layer = new LossyLayer(0.1);
        layer.Invoke(Tensor.Ones([2, 3]));
        Assert.Equal(["k", "counter"], layer.Variables.Select(v => v.Name));
        Assert.Equal(["k"], layer.TrainableVariables.Select(v => v.Name));
        Assert.Equal(["counter"], layer.NonTrainableVariables.Select(v => v.Name));
        Assert.Equal(4, layer.CountParams());
    }

    [Fact]
    public void TrainableFalseFreezesEverythingBeneath()
    {
        var model = new MySequentialModel();
        model.Invoke(Tensor.Ones([1, 3]));
        Assert.Equal(4, model.TrainableVariables.Count);
        model.Trainable = false;
        Assert.Empty(model.TrainableVariables);
        Assert.Equal(4, model.NonTrainableVariables.Count);
        Assert.All(model.DirectLayers(), l => Assert.False(l.Trainable));
        model.Trainable = true;
        Assert.Equal(4, model.TrainableVariables.Count);
    }

    [Fact]
    public void DefaultNamesAreUniqueAndClearSessionResets()
    {
        Keras.ClearSession();
        var a = new Dense(1);
        var named = new Dense(1) { Name = "custom" };
        var b = new Dense(1);
        var c = new FlexibleDense(1);
        Assert.Equal("dense_1", b.Name);   // asked first, still named in creation order
        Assert.Equal("dense", a.Name);
        Assert.Equal("custom", named.Name);
        Assert.Equal("flexible_dense", c.Name);
        Keras.ClearSession();
        Assert.Equal("dense", new Dense(1).Name);
        Assert.Equal("my_sequential_model", new MySequentialModel().Name);
    }

    [Fact]
    public void TrainingFlagResolution()
    {
        var layer = new Dropoutish();
        var x = Tensor.Ones([1, 2]);
        layer.Invoke(x);
        Assert.False(layer.LastTraining);                 // signature default
        Assert.Equal(2f, layer.Invoke(x, training: true).ToArray<float>()[0]);
        Assert.True(layer.LastTraining);                  // explicit

        var outer = new Outer();
        outer.Invoke(x);
        Assert.True(outer.Inner.LastTraining);            // the outer call's (its default is true)
        outer.Invoke(x, training: false);
        Assert.False(outer.Inner.LastTraining);           // the outer call's explicit value

        var model = new Sequential([new Dropoutish()]);
        model.Invoke(x, training: true);
        Assert.True(((Dropoutish)model.Layers[0]).LastTraining);
    }

    [Fact]
    public void BuildWithSeveralInputs()
    {
        var layer = new TwoInput(2);
        var y = layer.Invoke(Tensor.Ones([4, 3]), Tensor.Ones([4, 5]));
        Assert.Equal(new Shape(4, 3), layer.BuiltA);
        Assert.Equal(new Shape(4, 5), layer.BuiltB);
        Assert.Equal(8f, y.ToArray<float>()[0]);
        Assert.Equal("{\"shapes_dict\":{\"a_shape\":[4,3],\"b_shape\":[4,5]}}", layer.BuildConfig!.ToJsonString());
        var e = Assert.Throws<IncompatibleInputException>(() => layer.Invoke(Tensor.Ones([4, 3]), Tensor.Ones([4, 4])));
        Assert.Equal("Input 1 of layer \"" + layer.Name + "\" is incompatible with the layer: expected axis -1 of input shape to have value 5, but received input with shape (4, 4)", e.Message);
    }

    [Fact]
    public void LossesAreClearedPerCallAndIncludeRegularizers()
    {
        var layer = new LossyLayer(0.5);
        layer.Invoke(Tensor.Ones([2, 3]));
        var losses = layer.Losses;
        Assert.Equal(2, losses.Count);
        Assert.Equal(3f, losses[0].ToScalar<float>(), 5);      // 0.5 * 6
        Assert.Equal(1.5f, losses[1].ToScalar<float>(), 5);    // 0.5 * sum(k^2) = 0.5 * 3
        layer.Invoke(Tensor.Ones([1, 3]));
        Assert.Equal(2, layer.Losses.Count);                   // cleared, not accumulated
        Assert.Equal(1.5f, layer.Losses[0].ToScalar<float>(), 5);

        var model = new Sequential([new LossyLayer(1.0), new Dense(1, activityRegularizer: Regularizers.L1(0.1), kernelInitializer: Initializers.Ones())]);
        model.Invoke(Tensor.Ones([1, 3]));
        Assert.Equal(3, model.Losses.Count);                    // add_loss, activity, weight regularizer
        Assert.Equal(0.3f, model.Losses[1].ToScalar<float>(), 5);
    }

    [Fact]
    public void NameScopeDuringCall()
    {
        var seen = "";
        var probe = new ProbeLayer(() => seen = Layer.CurrentNameScope) { Name = "probe" };
        var model = new Sequential([probe]) { Name = "outer_model" };
        model.Invoke(Tensor.Ones([1, 2]));
        Assert.Equal("outer_model/probe", seen);
        Assert.Equal("", Layer.CurrentNameScope);
    }

    [Fact]
    public void SymbolicShapesThroughDense()
    {
        var inputs = Keras.Input(shape: [3]);
        Assert.True(inputs.IsSymbolic);
        Assert.Equal(new Shape(-1, 3), inputs.Shape);
        var dense = new Dense(4, activation: "relu");
        var y = dense.Invoke(inputs);
        Assert.True(y.IsSymbolic);
        Assert.Equal(new Shape(-1, 4), y.Shape);
        Assert.Equal(new Shape(3, 4), dense.Kernel!.Shape);
        var h = KerasHistory.Of(y)!;
        Assert.Same(dense, h.Layer);
        Assert.Equal(0, h.NodeIndex);
        Assert.Equal("{\"input_shape\":[null,3]}", dense.BuildConfig!.ToJsonString());
    }

    [Fact]
    public void IdentityAndActivationLayers()
    {
        var x = Tensor.From(new[] { -1f, 2f });
        Assert.Equal([0f, 2f], new LayerGen.Layers.Activation("relu").Invoke(x).ToArray<float>());
        Assert.Same(x, new Identity().Invoke(x));
        var s = new LayerGen.Layers.Activation("softmax").Invoke(Tensor.From(new[,] { { 1f, 1f } }));
        Assert.Equal([0.5f, 0.5f], s.ToArray<float>());
        var sym = Keras.Input([2]);
        var id = new Identity();
        var o = id.Invoke(sym);
        Assert.NotSame(sym, o);                                  // fresh tensor for the node
        Assert.Same(id, KerasHistory.Of(o)!.Layer);
    }
}
