using System.Text.Json.Nodes;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Attention in Keras's list call form and masks through attention and merge layers, against real Keras:
/// Fixtures/attention-masks (Scripts/gen_attention_mask_fixtures.py, Keras 3.15.1) holds functional models saved by
/// Keras (Attention/AdditiveAttention on lists with return_attention_scores and use_causal_mask; Embedding(mask_zero)
/// feeding MultiHeadAttention, Attention, Concatenate, Add, Multiply and GlobalAveragePooling1D, with Keras's mask op
/// nodes in the config) and Keras's predictions on padded inputs.
/// </summary>
public class AttentionMaskFixtureTests
{
    private const string Folder = "attention-masks";
    private static readonly Lazy<JsonObject> Reference = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf("reference.json")))!);

    private static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", Folder, file);

    /// <summary>Every saved model.</summary>
    public static IEnumerable<object[]> Models() => ((JsonObject)Reference.Value["models"]!).Select(kv => new object[] { kv.Key });

    private static Tensor ArrayOf(JsonNode node)
    {
        var shape = new Shape([.. ((JsonArray)node["shape"]!).Select(d => d!.GetValue<int>())]);
        var values = ((JsonArray)node["values"]!).Select(v => v!.GetValue<double>()).ToArray();
        return node["dtype"]!.GetValue<string>() switch
        {
            "int32" => Tensor.From<int>([.. values.Select(v => (int)v)], shape),
            "bool" => Tensor.From<bool>([.. values.Select(v => v != 0)], shape),
            _ => Tensor.From<float>([.. values.Select(v => (float)v)], shape),
        };
    }

    private static (Tensor[] X, JsonArray Y) Data(string name)
    {
        var m = (JsonObject)Reference.Value["models"]![name]!;
        return ([.. ((JsonArray)m["x"]!).Select(n => ArrayOf(n!))], (JsonArray)m["y"]!);
    }

    private static void AssertOutputs(JsonArray expected, Tensor[] actual)
    {
        Assert.Equal(expected.Count, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            var shape = ((JsonArray)expected[i]!["shape"]!).Select(d => d!.GetValue<int>()).ToArray();
            Assert.Equal(shape, actual[i].Shape.ToArray());
            Fixture.Close(Fixture.Flat(expected[i]!["values"]), actual[i].ToFloatArray(), 2e-5f);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void KerasFileLoadsAndPredictsLikeKeras(string name)
    {
        var (x, y) = Data(name);
        var model = Model.Load(PathOf(name + ".keras"));
        AssertOutputs(y, model.Invoke(x));
        AssertOutputs(y, model.Predict(x, verbose: 0));

        // LayerGen's file of it reloads with the same predictions (kept for the reverse check when asked).
        string? export = Environment.GetEnvironmentVariable("LAYERGEN_ATTENTION_MASK_EXPORT");
        string dir = export is { Length: > 0 } ? export : Path.Combine(Path.GetTempPath(), "lg-attention-masks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        model.Save(Path.Combine(dir, name + ".keras"));
        File.Copy(PathOf("reference.json"), Path.Combine(dir, "reference.json"), overwrite: true);
        AssertOutputs(y, Model.Load(Path.Combine(dir, name + ".keras")).Invoke(x));
    }

    [Fact]
    public void KerasAttentionNodesAreListCallsWithTheirKeywords()
    {
        var model = Model.Load(PathOf("attention_list.keras"));
        var att = (JsonObject)((JsonArray)model.GetConfig()["layers"]!).First(l => l!["name"]!.GetValue<string>() == "att_dot")!;
        Assert.Equal("[[null,4,3],[null,5,3]]", att["build_config"]!["input_shape"]!.ToJsonString());
        var node = (JsonObject)att["inbound_nodes"]![0]!;
        Assert.Equal(2, ((JsonArray)((JsonArray)node["args"]!)[0]!).Count);
        Assert.True(node["kwargs"]!["return_attention_scores"]!.GetValue<bool>());
        var additive = (JsonObject)((JsonArray)model.GetConfig()["layers"]!).First(l => l!["name"]!.GetValue<string>() == "add_att")!;
        Assert.True(((JsonObject)additive["config"]!).ContainsKey("seed"));
    }

    /// <summary>
    /// The same masked model written in C#, eagerly (layer by layer on real tensors) and as a functional model built
    /// in C#, with the Keras file's weights: the masks come from the Embedding implicitly and give Keras's outputs.
    /// </summary>
    [Fact]
    public void MaskedSelfAttentionWrittenInCSharpPredictsLikeKeras()
    {
        var (x, y) = Data("mha_masked");
        var keras = Model.Load(PathOf("mha_masked.keras"));
        var embedding = new Embedding(10, 8, maskZero: true);
        var mha = new MultiHeadAttention(2, 4);
        var pool = new GlobalAveragePooling1D();
        var residual = new Add();
        var pool2 = new GlobalAveragePooling1D();

        var e = embedding.Invoke(x[0]);
        Assert.NotNull(KerasMask.Of(e));
        var a = mha.Invoke(e, e);
        Assert.NotNull(KerasMask.Of(a));
        embedding.SetWeights(keras.GetLayer("embedding").GetWeights());
        mha.SetWeights(keras.GetLayer("mha").GetWeights());
        e = embedding.Invoke(x[0]);
        a = mha.Invoke(e, e);
        var r = residual.Invoke([a, e]);
        Assert.Equal(KerasMask.Of(e)!.ToArray<bool>(), KerasMask.Of(r)!.ToArray<bool>());
        AssertOutputs(y, [pool.Invoke(a), pool2.Invoke(r)]);

        var ids = Keras.Input(new Shape(6), dtype: DType.Int32);
        var e2 = embedding.Invoke(ids);
        var a2 = mha.Invoke(e2, e2);
        var functional = new Model([ids], [pool.Invoke(a2), pool2.Invoke(residual.Invoke([a2, e2]))]);
        AssertOutputs(y, functional.Invoke(x));
        AssertOutputs(y, functional.Predict(x, verbose: 0));
        string? export = Environment.GetEnvironmentVariable("LAYERGEN_ATTENTION_MASK_EXPORT");
        if (export is { Length: > 0 })
        {
            Directory.CreateDirectory(export);
            functional.Save(Path.Combine(export, "csharp_mha_masked.keras"));
        }
    }

    [Fact]
    public void MergeMasksFollowKeras()
    {
        var m1 = Tensor.From<bool>([true, true, false, true, false, false], new Shape(2, 3));
        var m2 = Tensor.From<bool>([true, false, false, false, false, true], new Shape(2, 3));
        var a = Tensor.Ones([2, 3, 4]);
        var b = Tensor.Ones([2, 3, 4]);
        KerasMask.Set(a, m1);
        KerasMask.Set(b, m2);
        // Add: logical or of the masks; none when an input has none.
        Assert.Equal(new[] { true, true, false, true, false, true }, KerasMask.Of(new Add().Invoke([a, b]))!.ToArray<bool>());
        Assert.Null(KerasMask.Of(new Multiply().Invoke([a, Tensor.Ones([2, 3, 4])])));
        // Concatenate along time: the masks side by side, an unmasked input all true.
        var c = new Concatenate(axis: 1).Invoke([a, Tensor.Ones([2, 2, 4])]);
        Assert.Equal(new[] { true, true, false, true, true, true, false, false, true, true }, KerasMask.Of(c)!.ToArray<bool>());
        // Concatenate along features with an unmasked input: every step is kept.
        Assert.All(KerasMask.Of(new Concatenate().Invoke([a, Tensor.Ones([2, 3, 2])]))!.ToArray<bool>(), Assert.True);
        Assert.Null(KerasMask.Of(new Dot(axes: 2).Invoke([a, b])));
    }

    [Fact]
    public void AttentionListCallIsCheckedInKerasWords()
    {
        var q = Tensor.Zeros([2, 4, 3]);
        var e = Assert.Throws<IncompatibleInputException>(() => new Attention().Invoke([q]));
        Assert.Contains("Attention layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: 1.", e.Message);
        var m = Assert.Throws<IncompatibleInputException>(() => new AdditiveAttention().Invoke([q, q], mask: [null]));
        Assert.Contains("AdditiveAttention layer accepts mask list of length 2 or 3.", m.Message);
        var scores = new Attention().Invoke([q, Tensor.Zeros([2, 5, 3])], returnAttentionScores: true);
        Assert.Equal(2, scores.Length);
        Assert.Equal(new[] { 2, 4, 5 }, scores[1].Shape.ToArray());
    }

    [Theory]
    [InlineData("merge_masks")]
    [InlineData("mha_masked")]
    public void KerasOpNodesTakeNoPlaceInTheWeightsFile(string name)
    {
        // Keras's Functional.layers leaves op nodes (NotEqual, LogicalOr, ExpandDims and the numpy Concatenate of masks)
        // out of the weights walk: merge_masks has three Concatenate layers and four Concatenate ops, and Keras's file
        // names the layers concatenate, concatenate_1, concatenate_2. LayerGen's file names the same groups (input layers
        // aside: Keras writes empty groups for them, LayerGen none, and both load either file).
        static List<string> LayerGroups(string path)
        {
            var weights = Archives.Entries(path).Single(e => e.Name == "model.weights.h5").Bytes;
            return [.. Archives.ListHdf5(weights)
                .Where(l => l.StartsWith("G layers/", StringComparison.Ordinal))
                .Select(l => l.Split(' ')[1]["layers/".Length..])
                .Where(p => !p.Contains('/', StringComparison.Ordinal) && !p.StartsWith("input_layer", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)];
        }
        string saved = Path.Combine(Path.GetTempPath(), "lg-op-walk-" + Guid.NewGuid().ToString("N") + ".keras");
        try
        {
            Model.Load(PathOf(name + ".keras")).Save(saved);
            var keras = LayerGroups(PathOf(name + ".keras"));
            Assert.Equal(keras, LayerGroups(saved));
            Assert.DoesNotContain(LayerGroups(saved), p => p.StartsWith("not_equal", StringComparison.Ordinal) || p.StartsWith("logical_or", StringComparison.Ordinal));
        }
        finally { File.Delete(saved); }
    }
}
