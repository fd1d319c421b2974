namespace LayerGen.Graphs.Tests;

/// <summary>
/// Graph files (SavedModel's graph JSON) store each op's attributes by name: the names and their order, as the
/// hand-written <c>WriteAttributes</c> methods wrote them before the op generator, must not change.
/// </summary>
public class OpAttributeNamesTests
{
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["ArgMax"] = ["axis", "keepdims"],
        ["ArgMin"] = ["axis", "keepdims"],
        ["BroadcastTo"] = ["shape"],
        ["Cast"] = ["dtype"],
        ["Clip"] = ["min", "max"],
        ["Concat"] = ["axis"],
        ["Conv"] = ["strides", "pads", "dilations", "groups"],
        ["ConvFilterGrad"] = ["window", "strides", "pads", "dilations", "groups"],
        ["ConvTranspose"] = ["output_spatial", "strides", "pads", "dilations", "groups"],
        ["Einsum"] = ["equation"],
        ["Elu"] = ["alpha"],
        ["ExpandDims"] = ["axis"],
        ["Gather"] = ["axis"],
        ["GatherGrad"] = ["axis"],
        ["Gelu"] = ["approximate"],
        ["LeakyRelu"] = ["alpha"],
        ["LayerNorm"] = ["epsilon"],
        ["LayerNormGrad"] = ["epsilon"],
        ["LogSoftmax"] = ["axis"],
        ["MatMul"] = ["transpose_a", "transpose_b"],
        ["MaxPool"] = ["window", "strides", "pads"],
        ["MaxPoolGrad"] = ["window", "strides", "pads"],
        ["MaxPoolGradGrad"] = ["window", "strides", "pads"],
        ["AvgPool"] = ["window", "strides", "pads"],
        ["AvgPoolGrad"] = ["window", "strides", "pads"],
        ["ResizeBilinear"] = ["size"],
        ["Max"] = ["axes", "keepdims"],
        ["Mean"] = ["axes", "keepdims"],
        ["Min"] = ["axes", "keepdims"],
        ["OneHot"] = ["depth", "on", "off", "dtype"],
        ["Pad"] = ["before", "after", "value"],
        ["PadGrad"] = ["before", "after"],
        ["Prod"] = ["axes", "keepdims"],
        ["ProdExceptSelf"] = ["axes"],
        ["ReducedCount"] = ["axes"],
        ["Reshape"] = ["shape"],
        ["Slice"] = ["begin", "size"],
        ["SliceGrad"] = ["begin"],
        ["Softmax"] = ["axis"],
        ["SoftmaxGrad"] = ["axis"],
        ["Squeeze"] = ["axes"],
        ["Sum"] = ["axes", "keepdims"],
        ["Tile"] = ["multiples"],
        ["TileGrad"] = ["multiples"],
        ["Transpose"] = ["perm"],
        ["RandomUniform"] = ["minval", "maxval", "shape"],
        ["RandomNormal"] = ["mean", "stddev", "shape"],
        ["Scan"] = ["body", "carries", "sequences", "reverse", "stacked"],
    };

    [Fact]
    public void EveryBuiltInOpWritesTheAttributeNamesGraphFilesUse()
    {
        foreach (var (op, _) in OpGraphTests.Cases().Where(c => c.Op.GetType().Assembly == typeof(Op).Assembly))
        {
            var attributes = new OpAttributes(op.Name);
            op.WriteAttributes(attributes);
            string[] expected = Expected.TryGetValue(op.Name, out var names) ? names : [];
            Assert.True(expected.SequenceEqual(attributes.Items.Select(kv => kv.Key)), $"{op}: writes [{attributes}], graph files use [{string.Join(", ", expected)}]");
        }
    }

    [Fact]
    public void IntegersAreWrittenAsIntegersAndNullsAsNull()
    {
        var a = new OpAttributes("Gather");
        new GatherOp(1).WriteAttributes(a);
        Assert.Equal(new OpAttributeValue(OpAttributeKind.Int, 1), a.Items[0].Value);
        var s = new OpAttributes("Sum");
        new SumOp(null, true).WriteAttributes(s);
        Assert.Equal(OpAttributeKind.Null, s.Items[0].Value.Kind);
        Assert.Equal(OpAttributeKind.Bool, s.Items[1].Value.Kind);
        var c = new OpAttributes("Cast");
        new CastOp(DType.Int64).WriteAttributes(c);
        Assert.Equal("int64", c.Items[0].Value.String);
    }
}
