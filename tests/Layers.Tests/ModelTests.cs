using System.Text.Json.Nodes;
using LayerGen.Layers;

namespace LayerGen.Tests.Layers;

public class ModelTests
{
    static Tensor T(float[,] v) => Tensor.From(v);

    static void Close(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray<float>();
        var a = actual.ToArray<float>();
        for (int i = 0; i < e.Length; i++) Assert.Equal(e[i], a[i], 5);
    }

    [Fact]
    public void PlanOfASequentialPredictsWhatPredictDoes_AndSeesTraining()
    {
        RandomGenerator.SetGlobalSeed(7);
        var model = new Sequential([new Dense(8, activation: "relu"), new Dense(4, activation: "tanh"), new Dense(2)]);
        var plan = model.Plan(new TensorSpec([5, 3], DType.Float32)); // builds the model from the spec
        Assert.Equal(3, plan.StepCount); // each Dense is one fused step
        var g = new RandomGenerator(1);
        var x = g.Normal([5, 3]);
        Assert.Equal(model.Predict(x, verbose: 0).ToArray<float>(), plan.Run(x).ToArray<float>());
        // Weights changed by training are read by the plan.
        model.Compile(new LayerGen.Optimizers.SGD(learningRate: 0.1), new LayerGen.Losses.MeanSquaredError());
        model.TrainOnBatch(x, g.Normal([5, 2]));
        Assert.Equal(model.Predict(x, verbose: 0).ToArray<float>(), plan.Run(x).ToArray<float>());
        Assert.Throws<ArgumentException>(() => model.Plan(new TensorSpec(new Shape(-1, 3), DType.Float32)));
    }

    [Fact]
    public void PlanningAFunctionalModelLeavesItsConfigAsItWas()
    {
        RandomGenerator.SetGlobalSeed(3);
        var inputs = Keras.Input(shape: [3]);
        var shared = new Dense(4, activation: "relu");
        var outputs = new Dense(2).Invoke(shared.Invoke(inputs));
        var model = new Model(inputs, outputs);
        string before = model.GetConfig().ToJsonString();
        var plan = model.Plan(new TensorSpec([2, 3], DType.Float32));
        Assert.Equal(before, model.GetConfig().ToJsonString());
        var x = Tensor.From(new[,] { { 1f, 2f, 3f }, { -1f, 0f, 1f } });
        Assert.Equal(model.Predict(x, verbose: 0).ToArray<float>(), plan.Run(x).ToArray<float>());
    }

    [Fact]
    public void Walkthrough8_SubclassedAndFunctional()
    {
        Keras.ClearSession();
        var model = new MySequentialModel();
        var y = model.Invoke(T(new[,] { { 2f, 2f, 2f } }));
        Assert.Equal(new Shape(1, 2), y.Shape);
        Assert.Equal(4, model.Variables.Count);
        Assert.Equal(["dense1/w", "dense1/b", "dense2/w", "dense2/b"], model.NamedVariables.Select(kv => kv.Key));

        var inputs = Keras.Input(shape: [3]);
        var x = new FlexibleDense(3).Invoke(inputs);
        x = new FlexibleDense(2).Invoke(x);
        var myFunctionalModel = new Model(inputs, x);
        var real = T(new[,] { { 2f, 2f, 2f } });
        var output = myFunctionalModel.Invoke(real);
        Assert.Equal(new Shape(1, 2), output.Shape);
        var layers = myFunctionalModel.Layers;
        Assert.Equal(["input_layer", "flexible_dense_2", "flexible_dense_3"], layers.Select(l => l.Name));
        var manual = ((FlexibleDense)layers[2]).Invoke(((FlexibleDense)layers[1]).Invoke(real));
        Close(manual, output);
        Assert.Equal("functional", myFunctionalModel.Name);
        Assert.Equal(4, myFunctionalModel.TrainableVariables.Count);
    }

    [Fact]
    public void KerasFixtureSequentialParses()
    {
        Keras.ClearSession();
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "seq_plain.config.json"));
        var fixture = (JsonObject)JsonNode.Parse(text)!;
        var model = Assert.IsType<Sequential>(LayerRegistry.Deserialize(fixture));
        Assert.Equal("sequential", model.Name);
        Assert.True(model.IsBuilt);
        Assert.Equal(2, model.Layers.Count);
        var d1 = Assert.IsType<Dense>(model.Layers[0]);
        var d2 = Assert.IsType<Dense>(model.Layers[1]);
        Assert.Equal((3, "relu", "dense"), (d1.Units, d1.Activation.Name, d1.Name));
        Assert.Equal((2, "linear", "dense_1"), (d2.Units, d2.Activation.Name, d2.Name));
        Assert.Equal(new Shape(3, 3), d1.Kernel!.Shape);
        Assert.Equal(20, model.CountParams());
        Assert.Equal(new Shape(5, 2), model.Invoke(Tensor.Ones([5, 3])).Shape);

        // Our config matches Keras's, key by key (Keras's shared_object_id bookkeeping aside).
        var ours = LayerRegistry.Serialize(model);
        var expected = (JsonObject)fixture.DeepClone();
        expected.Remove("compile_config");
        StripSharedIds(expected);
        Assert.Equal(expected.ToJsonString(), ours.ToJsonString());
        var fixtureLayers = fixture["config"]!["layers"]!.AsArray();
        var ourLayers = ours["config"]!["layers"]!.AsArray();
        for (int i = 0; i < fixtureLayers.Count; i++)
            Assert.Equal(fixtureLayers[i]!["config"]!.AsObject().Select(kv => kv.Key), ourLayers[i]!["config"]!.AsObject().Select(kv => kv.Key));
    }

    static void StripSharedIds(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            o.Remove("shared_object_id");
            foreach (var (_, v) in o.ToList()) StripSharedIds(v);
        }
        else if (node is JsonArray a) foreach (var v in a) StripSharedIds(v);
    }

    [Fact]
    public void SequentialAddPopBuildAndRoundTrip()
    {
        Keras.ClearSession();
        var model = new Sequential();
        model.Add(new Dense(3, activation: "relu"));
        model.Add(new Dense(2));
        Assert.False(model.IsBuilt);
        var y = model.Invoke(Tensor.Ones([4, 3]));
        Assert.Equal(new Shape(4, 2), y.Shape);
        Assert.True(model.IsBuilt);
        Assert.Equal(["dense", "dense_1"], model.Layers.Select(l => l.Name));
        Assert.Equal("{\"input_shape\":[4,3]}", model.BuildConfig!.ToJsonString());
        var popped = model.Pop();
        Assert.Equal("dense_1", popped.Name);
        Assert.Equal(new Shape(4, 3), model.Invoke(Tensor.Ones([4, 3])).Shape);
        model.Add(popped);

        var s = LayerRegistry.Serialize(model);
        var back = Assert.IsType<Sequential>(LayerRegistry.Deserialize((JsonObject)JsonNode.Parse(s.ToJsonString())!));
        Assert.Equal(s.ToJsonString(), LayerRegistry.Serialize(back).ToJsonString());

        var withInput = new Sequential([new InputLayer(shape: new Shape(3)), new Dense(2)]);
        Assert.True(withInput.IsBuilt);
        Assert.Equal(new Shape(-1, 3), withInput.FirstInputLayer!.BatchShape);
        var fromTensor = new Sequential();
        fromTensor.Add(Keras.Input([5]));
        fromTensor.Add(new Dense(1));
        Assert.Equal(new Shape(5, 1), ((Dense)fromTensor.Layers[0]).Kernel!.Shape);
    }

    [Fact]
    public void FunctionalTwoInputsTwoOutputsSharedLayerNestedModel()
    {
        Keras.ClearSession();
        // A nested functional model.
        var innerIn = Keras.Input([4], name: "inner_in");
        var inner = new Model(innerIn, new Dense(4, activation: "tanh").Invoke(innerIn)) { Name = "inner" };

        var a = Keras.Input([3], name: "a");
        var b = Keras.Input([3], name: "b");
        var shared = new Dense(4, activation: "relu") { Name = "shared" };
        var ha = shared.Invoke(a);
        var hb = shared.Invoke(b);                       // the same layer, second node
        var both = new TwoInput(4) { Name = "merge" }.Invoke(ha, hb);
        var out1 = inner.Invoke(both);                   // nested model
        var out2 = new Dense(1) { Name = "head" }.Invoke(hb);
        var model = new Model([a, b], [out1, out2]) { Name = "two_by_two" };

        Assert.Equal(["a", "b", "shared", "merge", "inner", "head"], model.Layers.Select(l => l.Name)); // Keras's order: depth, then discovery from the outputs
        Assert.Equal(2, shared.InboundNodes.Count);

        var xa = T(new[,] { { 1f, 2f, 3f }, { -1f, 0f, 1f } });
        var xb = T(new[,] { { 0.5f, 0.5f, 0.5f }, { 2f, 1f, 0f } });
        var outs = model.Invoke([xa, xb]);
        Assert.Equal(2, outs.Length);
        var merge = (TwoInput)model.GetLayer("merge");
        var expected1 = inner.Invoke(merge.Invoke(shared.Invoke(xa), shared.Invoke(xb)));
        var expected2 = ((Dense)model.GetLayer("head")).Invoke(shared.Invoke(xb));
        Close(expected1, outs[0]);
        Close(expected2, outs[1]);
        Assert.Equal(new Shape(-1, 4), out1.Shape);
        Assert.Equal(new Shape(-1, 1), out2.Shape);

        // Keras 3's functional config, and back.
        var s = LayerRegistry.Serialize(model);
        Assert.Equal("Functional", (string?)s["class_name"]);
        Assert.Equal("Functional", (string?)s["registered_name"]);
        Assert.Equal("{\"input_shape\":null}", s["build_config"]!.ToJsonString());
        var config = s["config"]!.AsObject();
        Assert.Equal(["name", "trainable", "layers", "input_layers", "output_layers"], config.Select(kv => kv.Key));
        Assert.Equal("[[\"a\",0,0],[\"b\",0,0]]", config["input_layers"]!.ToJsonString());
        Assert.Equal("[[\"inner\",1,0],[\"head\",0,0]]", config["output_layers"]!.ToJsonString());
        var sharedConfig = config["layers"]!.AsArray().Single(l => (string?)l!["name"] == "shared")!;
        Assert.Equal(
            "[{\"args\":[{\"class_name\":\"__keras_tensor__\",\"config\":{\"shape\":[null,3],\"dtype\":\"float32\",\"keras_history\":[\"a\",0,0]}}],\"kwargs\":{}}," +
            "{\"args\":[{\"class_name\":\"__keras_tensor__\",\"config\":{\"shape\":[null,3],\"dtype\":\"float32\",\"keras_history\":[\"b\",0,0]}}],\"kwargs\":{}}]",
            sharedConfig["inbound_nodes"]!.ToJsonString());
        Assert.Equal(["module", "class_name", "config", "registered_name", "build_config", "name", "inbound_nodes"], sharedConfig.AsObject().Select(kv => kv.Key));

        var back = Assert.IsType<Model>(LayerRegistry.Deserialize((JsonObject)JsonNode.Parse(s.ToJsonString())!));
        Assert.Equal(s.ToJsonString(), LayerRegistry.Serialize(back).ToJsonString());
        var outsBack = back.Invoke([xa, xb]);
        Assert.Equal(new Shape(2, 4), outsBack[0].Shape);
        Assert.Equal(new Shape(2, 1), outsBack[1].Shape);
    }

    [Fact]
    public void FunctionalChecksInputsAndRunsRawOps()
    {
        var x = Keras.Input([2]);
        var y = Ops.Relu(new Dense(2, kernelInitializer: Initializers.Identity()).Invoke(x)) * 3f;
        var model = new Model(x, y);
        Assert.Equal([3f, 0f], model.Invoke(T(new[,] { { 1f, -1f } })).ToArray<float>());
        var e = Assert.Throws<IncompatibleInputException>(() => model.Invoke(T(new[,] { { 1f, 2f, 3f } })));
        Assert.Contains("expected shape=(None, 2), found shape=(1, 3)", e.Message);
        Assert.Throws<NotSupportedException>(() => model.GetConfig());
        Assert.Throws<ArgumentException>(() => new Model(Tensor.Ones([1, 2]), y));
    }

    [Fact]
    public void SequentialSummary()
    {
        Keras.ClearSession();
        var model = new Sequential([new InputLayer(shape: new Shape(3)), new Dense(3, activation: "relu"), new Dense(2)]);
        var text = model.Summary(lineLength: 76, print: _ => { });
        var expected =
            "Model: \"sequential\"\n" +
            "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n" +
            "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n" +
            "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n" +
            "│ dense (Dense)                   │ (None, 3)              │            12 │\n" +
            "├─────────────────────────────────┼────────────────────────┼───────────────┤\n" +
            "│ dense_1 (Dense)                 │ (None, 2)              │             8 │\n" +
            "└─────────────────────────────────┴────────────────────────┴───────────────┘\n" +
            " Total params: 20 (80.00 B)\n" +
            " Trainable params: 20 (80.00 B)\n" +
            " Non-trainable params: 0 (0.00 B)\n";
        Assert.Equal(expected, text);

        var unbuilt = new Sequential([new Dense(1)]) { Name = "unbuilt" };
        var u = unbuilt.Summary(lineLength: 88, print: _ => { });
        Assert.Contains("│ dense_2 (Dense)                      │ ?                           │     0 (unbuilt) │", u);
        Assert.Equal(88, u.Split('\n')[1].Length);
    }

    [Fact]
    public void FunctionalSummary()
    {
        Keras.ClearSession();
        var a = Keras.Input([3], name: "a");
        var b = Keras.Input([3], name: "b");
        var merged = new TwoInput(2) { Name = "merge" }.Invoke(a, b);
        var model = new Model([a, b], new Dense(1) { Name = "head" }.Invoke(merged)) { Name = "fn" };
        var text = model.Summary(lineLength: 76, print: _ => { });
        var expected =
            "Model: \"fn\"\n" +
            "┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓\n" +
            "┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃\n" +
            "┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩\n" +
            "│ a (InputLayer)      │ (None, 3)         │          0 │ -                 │\n" +
            "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n" +
            "│ b (InputLayer)      │ (None, 3)         │          0 │ -                 │\n" +
            "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n" +
            "│ merge (TwoInput)    │ (None, 2)         │         12 │ a[0][0], b[0][0]  │\n" +
            "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n" +
            "│ head (Dense)        │ (None, 1)         │          3 │ merge[0][0]       │\n" +
            "└─────────────────────┴───────────────────┴────────────┴───────────────────┘\n" +
            " Total params: 15 (60.00 B)\n" +
            " Trainable params: 15 (60.00 B)\n" +
            " Non-trainable params: 0 (0.00 B)\n";
        Assert.Equal(expected, text);
    }
}
