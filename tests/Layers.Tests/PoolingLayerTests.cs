namespace LayerGen.Layers.Tests;

/// <summary>
/// The pooling, reshaping, upsampling and spatial-dropout layers: shapes with an unknown batch (functional models and
/// Summary), channels_first, masks, training behaviour and Keras's errors. Values against real Keras are in
/// KerasFormat.Tests/PoolFixtureTests.
/// </summary>
public class PoolingLayerTests
{
    private static Tensor Seq(params int[] shape) => Ops.Reshape(Ops.Cast(Tensor.Range(shape.Aggregate(1, (a, b) => a * b)), DType.Float32), shape);

    [Fact]
    public void AFunctionalConvnetTailHasKerasShapesWithAnUnknownBatch()
    {
        var inputs = Keras.Input([28, 28, 3]);
        var x = new MaxPooling2D().Invoke(inputs);
        Assert.Equal(new Shape(-1, 14, 14, 3), x.Shape);
        x = new AveragePooling2D([3, 3], [2, 2], padding: "same").Invoke(x);
        Assert.Equal(new Shape(-1, 7, 7, 3), x.Shape);
        x = new ZeroPadding2D([[1, 2], [0, 1]]).Invoke(x);
        Assert.Equal(new Shape(-1, 10, 8, 3), x.Shape);
        x = new Cropping2D([[1], [2]]).Invoke(x);
        Assert.Equal(new Shape(-1, 8, 4, 3), x.Shape);
        x = new UpSampling2D([2, 3]).Invoke(x);
        Assert.Equal(new Shape(-1, 16, 12, 3), x.Shape);
        x = new UpSampling2D(interpolation: "bilinear").Invoke(x);
        Assert.Equal(new Shape(-1, 32, 24, 3), x.Shape);
        var pooled = new GlobalMaxPooling2D(keepdims: true).Invoke(x);
        Assert.Equal(new Shape(-1, 1, 1, 3), pooled.Shape);
        var flat = new Flatten().Invoke(x);
        Assert.Equal(new Shape(-1, 32 * 24 * 3), flat.Shape);
        var reshaped = new Reshape([-1, 3]).Invoke(flat);
        Assert.Equal(new Shape(-1, 768, 3), reshaped.Shape);
        var permuted = new Permute([2, 1]).Invoke(reshaped);
        Assert.Equal(new Shape(-1, 3, 768), permuted.Shape);
        var averaged = new GlobalAveragePooling1D().Invoke(permuted);
        var repeated = new RepeatVector(4).Invoke(averaged);
        Assert.Equal(new Shape(-1, 4, 768), repeated.Shape);
        var model = new Model(inputs, repeated);
        string summary = model.Summary(lineLength: 100, print: _ => { });
        Assert.Contains("(None, 14, 14, 3)", summary);
        Assert.Contains("(None, 4, 768)", summary);
        Assert.Equal(new Shape(2, 4, 768), model.Predict(Tensor.RandomNormal([2, 28, 28, 3]), verbose: 0).Shape);
    }

    [Fact]
    public void ChannelsFirstEqualsChannelsLastTransposed()
    {
        var x = Tensor.RandomNormal([2, 5, 6, 3], generator: new RandomGenerator(1));
        var xf = Ops.Transpose(x, [0, 3, 1, 2]);
        void Same(Func<Tensor, Tensor> last, Func<Tensor, Tensor> first)
            => Assert.Equal(last(x).ToArray<float>(), Ops.Transpose(first(xf), [0, 2, 3, 1]).ToArray<float>());
        Same(new MaxPooling2D([2, 3], padding: "same").Invoke, new MaxPooling2D([2, 3], padding: "same", dataFormat: "channels_first").Invoke);
        Same(new AveragePooling2D([3, 2], [1, 2], "same").Invoke, new AveragePooling2D([3, 2], [1, 2], "same", "channels_first").Invoke);
        Same(new UpSampling2D([2, 1], interpolation: "bilinear").Invoke, new UpSampling2D([2, 1], "channels_first", "bilinear").Invoke);
        Same(new ZeroPadding2D([[1, 0], [2, 2]]).Invoke, new ZeroPadding2D([[1, 0], [2, 2]], "channels_first").Invoke);
        Same(new Cropping2D([[1, 2], [0, 3]]).Invoke, new Cropping2D([[1, 2], [0, 3]], "channels_first").Invoke);
        var means = new GlobalAveragePooling2D().Invoke(x).ToArray<float>();
        var meansFirst = new GlobalAveragePooling2D("channels_first").Invoke(xf).ToArray<float>();
        for (int i = 0; i < means.Length; i++) Assert.Equal(means[i], meansFirst[i], 1e-6f); // summed in another order
        Assert.Equal(new Flatten().Invoke(x).ToArray<float>(), new Flatten("channels_first").Invoke(xf).ToArray<float>());
    }

    [Fact]
    public void NearestUpsamplingRepeatsAndZeroPaddingPads()
    {
        var x = Seq(1, 2, 2, 1);
        Assert.Equal(new[] { 0f, 1, 0, 1, 2, 3, 2, 3 }, new UpSampling2D([2, 1]).Invoke(x).ToArray<float>());
        Assert.Equal(new[] { 0f, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3 }, new UpSampling2D().Invoke(x).ToArray<float>());
        Assert.Equal(new[] { 0f, 0, 0, 1, 1, 1 }, new UpSampling1D(3).Invoke(Seq(1, 2, 1)).ToArray<float>());
        Assert.Equal(new Shape(1, 2, 4, 4, 1), new UpSampling3D([1, 2, 2]).Invoke(Seq(1, 2, 2, 2, 1)).Shape);
        Assert.Equal(new[] { 0f, 0, 1, 0, 0 }, new ZeroPadding1D([1, 2]).Invoke(Seq(1, 2, 1)).ToArray<float>());
        Assert.Equal(new[] { 1f, 2 }, new Cropping1D([1, 1]).Invoke(Seq(1, 4, 1)).ToArray<float>());
        Assert.Equal(new Shape(1, 4, 4, 4, 2), new ZeroPadding3D().Invoke(Seq(1, 2, 2, 2, 2)).Shape);
        Assert.Equal(new Shape(1, 2, 2, 2, 1), new Cropping3D().Invoke(Seq(1, 4, 4, 4, 1)).Shape);
        Assert.Equal(new[] { 0f, 1, 0, 1, 0, 1 }, new RepeatVector(3).Invoke(Seq(1, 2)).ToArray<float>());
    }

    [Fact]
    public void GlobalAveragePooling1DLeavesMaskedStepsOut()
    {
        var x = Tensor.From(new[] { 1f, 10, 3, 30, 100, 1000 }, new Shape(1, 3, 2));
        var mask = Tensor.From(new[] { true, true, false }, new Shape(1, 3));
        Assert.Equal(new[] { 2f, 20 }, new GlobalAveragePooling1D().Invoke(x, mask).ToArray<float>());
        Assert.Equal(new[] { 104f / 3, 1040f / 3 }, new GlobalAveragePooling1D().Invoke(x).ToArray<float>());
    }

    [Fact]
    public void SpatialDropoutDropsWholeChannelsInTrainingOnly()
    {
        var x = Tensor.Ones([4, 5, 6, 8]);
        var layer = new SpatialDropout2D(0.5, seed: 3);
        Assert.Same(x, layer.Invoke(x));
        var y = layer.Invoke(x, training: true).ToArray<float>();
        for (int n = 0; n < 4; n++)
            for (int c = 0; c < 8; c++)
            {
                var values = Enumerable.Range(0, 30).Select(s => y[(n * 30 + s) * 8 + c]).Distinct().ToArray();
                Assert.Single(values);
                Assert.Contains(values[0], new[] { 0f, 2f });
            }
        Assert.Contains(0f, y);
        Assert.Contains(2f, y);
        var first = new SpatialDropout1D(0.5, seed: 1).Invoke(Tensor.Ones([3, 7, 4]), training: true).ToArray<float>();
        for (int n = 0; n < 3; n++)
            for (int c = 0; c < 4; c++)
                Assert.Single(Enumerable.Range(0, 7).Select(s => first[(n * 7 + s) * 4 + c]).Distinct());
        var cf = new SpatialDropout3D(0.5, seed: 2, dataFormat: "channels_first").Invoke(Tensor.Ones([2, 3, 2, 2, 2]), training: true).ToArray<float>();
        for (int nc = 0; nc < 6; nc++) Assert.Single(cf.Skip(nc * 8).Take(8).Distinct());
        var config = new SpatialDropout2D(0.25, seed: 7).GetConfig();
        Assert.False(config.ContainsKey("trainable"));
        Assert.Equal("channels_last", (string)config["data_format"]!);
    }

    [Fact]
    public void ConfigsUseKerasKeysAndTuples()
    {
        var pool = new MaxPooling2D([3, 3], padding: "same").GetConfig();
        Assert.Equal("[3,3]", pool["pool_size"]!.ToJsonString());
        Assert.Equal("[3,3]", pool["strides"]!.ToJsonString());
        Assert.Equal("same", (string)pool["padding"]!);
        Assert.Equal("channels_last", (string)pool["data_format"]!);
        Assert.Equal("[2]", new MaxPooling1D().GetConfig()["pool_size"]!.ToJsonString());
        Assert.Equal("[[1,1],[1,1]]", new ZeroPadding2D().GetConfig()["padding"]!.ToJsonString());
        Assert.Equal("[[0,0],[0,0]]", new Cropping2D().GetConfig()["cropping"]!.ToJsonString());
        Assert.Equal("[[2,2],[1,3],[0,0]]", new Cropping3D([[2], [1, 3], [0]]).GetConfig()["cropping"]!.ToJsonString());
        Assert.Equal("[4,-1]", new Reshape([4, -1]).GetConfig()["target_shape"]!.ToJsonString());
        Assert.Equal("bilinear", (string)new UpSampling2D(interpolation: "Bilinear").GetConfig()["interpolation"]!);
        Assert.True((bool)new GlobalMaxPooling3D(keepdims: true).GetConfig()["keepdims"]!);
        var read = ZeroPadding2D.FromConfig(new ZeroPadding2D([[1, 2], [3, 4]], "channels_first").GetConfig());
        Assert.Equal([[1, 2], [3, 4]], read.Padding.Select(p => p.ToArray()).ToArray());
    }

    [Fact]
    public void BadArgumentsAndInputsGetKerasMessages()
    {
        Assert.Contains("The `pool_size` argument must be a tuple of 2 integers. Received pool_size=(0, 2), including values {0} that do not satisfy `value > 0`",
            Assert.Throws<ArgumentException>(() => new MaxPooling2D([0, 2])).Message);
        Assert.Contains("The `strides` argument must be a tuple of 3 integers", Assert.Throws<ArgumentException>(() => new AveragePooling3D([2], [1, 1])).Message);
        Assert.Contains("Argument `padding` must be either 'valid' or 'same'. Received: padding=full", Assert.Throws<ArgumentException>(() => new MaxPooling1D(padding: "full")).Message);
        Assert.Contains("The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=nhwc",
            Assert.Throws<ArgumentException>(() => new GlobalMaxPooling2D("nhwc")).Message);
        Assert.Contains("There must be at most one unknown dimension (-1) in `target_shape`", Assert.Throws<ArgumentException>(() => new Reshape([-1, -1])).Message);
        Assert.Contains("Invalid permutation argument `dims` for Permute Layer", Assert.Throws<ArgumentException>(() => new Permute([0, 1])).Message);
        Assert.Contains("Argument `n` should be a positive integer. Received: n=0", Assert.Throws<ArgumentOutOfRangeException>(() => new RepeatVector(0)).Message);
        Assert.Contains("Argument `size` should be a positive integer", Assert.Throws<ArgumentOutOfRangeException>(() => new UpSampling1D(0)).Message);
        Assert.Contains("Invalid value received for argument `rate`", Assert.Throws<ArgumentOutOfRangeException>(() => new SpatialDropout1D(1.5)).Message);
        Assert.Throws<ArgumentException>(() => new ZeroPadding2D([[1, -1], [0]]));
        Assert.Contains("`padding` should have two elements", Assert.Throws<ArgumentException>(() => new ZeroPadding2D([[1], [1], [1]])).Message);
        Assert.Throws<NotSupportedException>(() => new UpSampling2D(interpolation: "bicubic"));

        var small = new MaxPooling2D([3, 3]) { Name = "pool" };
        var e = Assert.Throws<IncompatibleInputException>(() => small.Invoke(Tensor.Zeros([1, 2, 5, 1])));
        Assert.Contains("Layer \"pool\": Computed output size would be zero or negative. Received: `inputs.shape=(1, 2, 5, 1)`, `pool_size=(3, 3)`", e.Message);
        Assert.Contains("expected ndim=4, found ndim=3", Assert.Throws<IncompatibleInputException>(() => new MaxPooling2D().Invoke(Tensor.Zeros([2, 4, 1]))).Message);
        Assert.Contains("Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input",
            Assert.Throws<IncompatibleInputException>(() => new Cropping2D([[2], [0]]).Invoke(Tensor.Zeros([1, 4, 4, 1]))).Message);
        Assert.Contains("`cropping` parameter of `Cropping1D` layer must be smaller than the input length",
            Assert.Throws<IncompatibleInputException>(() => new Cropping1D([1, 2]).Invoke(Tensor.Zeros([1, 3, 1]))).Message);
        Assert.Contains("The total size of the tensor must be unchanged", Assert.Throws<IncompatibleInputException>(() => new Reshape([5]).Invoke(Tensor.Zeros([1, 2, 3]))).Message);
    }
}
