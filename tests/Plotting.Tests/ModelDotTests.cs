using System.Text.RegularExpressions;

namespace LayerGen.Plotting.Tests;

/// <summary>Keras's model_to_dot: boxes, edges and shapes of Sequential, functional and nested models.</summary>
public sealed class ModelDotTests
{
    /// <summary>Two inputs, two branches joined by Concatenate and Add, two outputs.</summary>
    internal static Model BranchyModel()
    {
        Keras.ClearSession();
        var a = Keras.Input([8], name: "a");
        var b = Keras.Input([4], name: "b");
        var x = new Dense(16, activation: "relu") { Name = "dense_a" }.Invoke(a);
        var y = new Dense(16) { Name = "dense_b" }.Invoke(b);
        var joined = new Concatenate { Name = "concat" }.Invoke([x, y]);
        var summed = new Add { Name = "add" }.Invoke([x, y]);
        var score = new Dense(1) { Name = "score" }.Invoke(joined);
        var classes = new Dense(3, activation: "softmax") { Name = "classes" }.Invoke(summed);
        return new Model([a, b], [score, classes]) { Name = "branchy" };
    }

    internal static List<(string From, string To)> Edges(string dot) =>
        [.. Regex.Matches(dot, "^\\s*\"([^\"]+)\" -> \"([^\"]+)\" \\[penwidth=2\\];$", RegexOptions.Multiline).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];

    internal static List<string> Nodes(string dot) =>
        [.. Regex.Matches(dot, "^\\s*\"([^\"]+)\" \\[label=<", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];

    private static string NodeLine(string dot, string id) =>
        dot.Split('\n').Single(l => l.TrimStart().StartsWith($"\"{id}\" [label=<", StringComparison.Ordinal));

    [Fact]
    public void FunctionalModelWithBranchesHasItsNodesEdgesAndShapes()
    {
        var dot = BranchyModel().ToDot(showShapes: true, showDtype: true);
        Assert.StartsWith("digraph \"branchy\" {", dot);
        Assert.Contains("rankdir=TB;", dot);
        Assert.Contains("splines=ortho;", dot);
        Assert.Contains("dpi=200;", dot);
        Assert.Equal(new[] { "a", "add", "b", "classes", "concat", "dense_a", "dense_b", "score" }, Nodes(dot).Order(StringComparer.Ordinal));
        Assert.Equal(8, Nodes(dot).Count);
        var expected = new HashSet<(string, string)>
        {
            ("a", "dense_a"), ("b", "dense_b"),
            ("dense_a", "concat"), ("dense_b", "concat"),
            ("dense_a", "add"), ("dense_b", "add"),
            ("concat", "score"), ("add", "classes"),
        };
        var edges = Edges(dot);
        Assert.Equal(expected.Count, edges.Count);
        Assert.True(expected.SetEquals(edges), string.Join(", ", edges));

        var concat = NodeLine(dot, "concat");
        Assert.Contains("<b>concat</b> (Concatenate)", concat);
        Assert.Contains("Input shape: <b>[(None, 16), (None, 16)]</b>", concat);
        Assert.Contains("Output shape: <b>(None, 32)</b>", concat);
        Assert.Contains("Output dtype: <b>float32</b>", concat);
        Assert.Contains("colspan=\"3\"", concat);
        var input = NodeLine(dot, "b");
        Assert.Contains("<b>b</b> (InputLayer)", input);
        Assert.DoesNotContain("Input shape", input);
        Assert.Contains("Output shape: <b>(None, 4)</b>", input);
        Assert.Contains("Input shape: <b>(None, 16)</b>", NodeLine(dot, "classes"));
        Assert.Contains("Output shape: <b>(None, 3)</b>", NodeLine(dot, "classes"));
        Assert.Equal(dot.Count(c => c == '{'), dot.Count(c => c == '}'));
    }

    [Fact]
    public void KerasDefaultsShowNamesOnly()
    {
        var dot = BranchyModel().ToDot();
        var line = NodeLine(dot, "dense_a");
        Assert.Contains("<b>dense_a</b> (Dense)", line);
        Assert.DoesNotContain("shape:", line);
        Assert.DoesNotContain("<tr><td bgcolor=\"white\"", line);
        Assert.Contains("fontname=\"Helvetica\", border=\"0\", margin=\"0\"", line);

        var classesOnly = BranchyModel().ToDot(showLayerNames: false, showLayerActivations: true, showTrainable: true, rankDir: "LR", splines: "curved", dpi: 96);
        Assert.Contains("rankdir=LR;", classesOnly);
        Assert.Contains("splines=curved;", classesOnly);
        Assert.Contains("dpi=96;", classesOnly);
        var dense = NodeLine(classesOnly, "dense_a");
        Assert.Contains("<b>Dense</b>", dense);
        Assert.DoesNotContain("dense_a</b>", dense);
        Assert.Contains("Activation: <b>relu</b>", dense);
        Assert.Contains("<b>Trainable</b>", dense);
        Assert.Contains("Activation: <b>softmax</b>", NodeLine(classesOnly, "classes"));
        // No activation, no weights: neither row.
        Assert.DoesNotContain("Activation", NodeLine(classesOnly, "concat"));
        Assert.DoesNotContain("Trainable", NodeLine(classesOnly, "concat"));
    }

    [Fact]
    public void FrozenLayersShowNonTrainable()
    {
        var model = BranchyModel();
        model.GetLayer("dense_b").Trainable = false;
        var dot = model.ToDot(showTrainable: true);
        Assert.Contains("<b>Non-trainable</b>", NodeLine(dot, "dense_b"));
        Assert.Contains("<b>Trainable</b>", NodeLine(dot, "dense_a"));
    }

    [Fact]
    public void SequentialIsAChainWithoutItsInputLayer()
    {
        Keras.ClearSession();
        var model = new Sequential([
            new InputLayer(shape: [28, 28, 1]),
            new Conv2D(4, kernelSize: 3, activation: "relu"),
            new MaxPooling2D(poolSize: [2, 2]),
            new Flatten(),
            new Dense(10, activation: "softmax"),
        ]);
        var dot = model.ToDot(showShapes: true);
        Assert.Equal(["conv2d", "max_pooling2d", "flatten", "dense"], Nodes(dot));
        Assert.Equal([("conv2d", "max_pooling2d"), ("max_pooling2d", "flatten"), ("flatten", "dense")], Edges(dot));
        var conv = NodeLine(dot, "conv2d");
        Assert.Contains("Input shape: <b>(None, 28, 28, 1)</b>", conv);
        Assert.Contains("Output shape: <b>(None, 26, 26, 4)</b>", conv);
        Assert.Contains("Input shape: <b>(None, 676)</b>", NodeLine(dot, "dense"));
        Assert.Contains("Output shape: <b>(None, 10)</b>", NodeLine(dot, "dense"));
    }

    [Fact]
    public void NestedModelsAreOneBoxOrAClusterWhenExpanded()
    {
        Keras.ClearSession();
        var innerIn = Keras.Input([4], name: "inner_in");
        var inner = new Model(innerIn, new Dense(2) { Name = "inner_dense" }.Invoke(innerIn)) { Name = "inner" };
        var stack = new Sequential([new InputLayer(shape: [2]), new Dense(3) { Name = "stack_1" }, new Dense(1) { Name = "stack_2" }]) { Name = "stack" };
        var x = Keras.Input([4], name: "x");
        var h = new Dense(4) { Name = "pre" }.Invoke(x);
        var outputs = stack.Invoke(inner.Invoke(h));
        var model = new Model(x, outputs) { Name = "outer" };

        var flat = model.ToDot(showShapes: true);
        Assert.Equal(["x", "pre", "inner", "stack"], Nodes(flat));
        Assert.Equal([("x", "pre"), ("pre", "inner"), ("inner", "stack")], Edges(flat));
        Assert.Contains("<b>inner</b> (Functional)", NodeLine(flat, "inner"));
        Assert.Contains("<b>stack</b> (Sequential)", NodeLine(flat, "stack"));
        Assert.Contains("Input shape: <b>(None, 2)</b>", NodeLine(flat, "stack"));
        Assert.DoesNotContain("subgraph", flat);

        var expanded = model.ToDot(expandNested: true);
        Assert.Contains("subgraph \"cluster_inner\" {", expanded);
        Assert.Contains("subgraph \"cluster_stack\" {", expanded);
        Assert.Contains("style=dashed;", expanded);
        Assert.Contains("label=\"inner\";", expanded);
        Assert.Equal(["x", "pre", "inner_in", "inner_dense", "stack_1", "stack_2"], Nodes(expanded));
        var edges = new HashSet<(string, string)>(Edges(expanded));
        Assert.True(new HashSet<(string, string)>
        {
            ("x", "pre"), ("pre", "inner_in"), ("inner_in", "inner_dense"), ("inner_dense", "stack_1"), ("stack_1", "stack_2"),
        }.SetEquals(edges), string.Join(", ", edges));
    }

    [Fact]
    public void SharedLayersAreOneBoxAndRawOpsAreLookedThrough()
    {
        Keras.ClearSession();
        var a = Keras.Input([3], name: "a");
        var b = Keras.Input([3], name: "b");
        var shared = new Dense(4) { Name = "shared" };
        var ha = Ops.Relu(shared.Invoke(a));              // a raw op between two layers
        var hb = shared.Invoke(b);
        var merged = new Multiply { Name = "mul" }.Invoke([ha, hb]);
        var model = new Model([a, b], new Dense(1) { Name = "head" }.Invoke(merged)) { Name = "shared_model" };

        var dot = model.ToDot(showShapes: true);
        Assert.Equal(new[] { "a", "b", "head", "mul", "shared" }, Nodes(dot).Order(StringComparer.Ordinal));
        var edges = new HashSet<(string, string)>(Edges(dot));
        Assert.True(new HashSet<(string, string)> { ("a", "shared"), ("b", "shared"), ("shared", "mul"), ("mul", "head") }.SetEquals(edges), string.Join(", ", edges));
        Assert.Contains("Input shape: <b>(None, 3)</b>", NodeLine(dot, "shared"));
        Assert.Contains("Input shape: <b>[(None, 4), (None, 4)]</b>", NodeLine(dot, "mul"));
    }

    [Fact]
    public void UnbuiltModelsAndBadArgumentsAreRefused()
    {
        var unbuilt = new Sequential([new Dense(2)]);
        var e = Assert.Throws<InvalidOperationException>(() => unbuilt.ToDot());
        Assert.Contains("This model has not yet been built", e.Message);
        var model = BranchyModel();
        Assert.Contains("rankdir must be one of TB, LR, BT, RL", Assert.Throws<ArgumentException>(() => model.ToDot(rankDir: "XY")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ToDot(dpi: 0));
        Assert.Throws<ArgumentException>(() => model.ToDot(splines: "ortho; evil=1"));
    }

    [Fact]
    public void NamesAreEscapedInsideLabels()
    {
        Keras.ClearSession();
        var x = Keras.Input([2], name: "in<&>");
        var model = new Model(x, new Dense(1) { Name = "out\"q" }.Invoke(x)) { Name = "esc" };
        var dot = model.ToDot();
        Assert.Contains("<b>in&lt;&amp;&gt;</b>", dot);
        Assert.Contains("\"out\\\"q\" [label=<", dot);
        Assert.Contains("<b>out&quot;q</b>", dot);
    }
}
