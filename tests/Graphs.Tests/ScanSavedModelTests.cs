using LayerGen.Layers;
using LayerGen.Models;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// A model whose recurrent layers trace into loop ops (<see cref="ScanOp"/>) saved as a whole SavedModel directory and
/// loaded into a fresh <see cref="LoadedModule"/>: the serving signature, its plan and the gradient through the loaded
/// graph's loops (its variables are live) give what the original model gives.
/// </summary>
public class ScanSavedModelTests
{
    private static Sequential Model()
    {
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(17);
        return new Sequential([
            new InputLayer(shape: [6, 3]),
            new Masking(maskValue: 0.0),
            new LSTM(4, returnSequences: true),
            new Bidirectional(new GRU(3)),
            new LayerGen.Layers.Dense(2),
        ]);
    }

    /// <summary>Inputs whose second row ends in two padded (all-zero) steps.</summary>
    private static Tensor Inputs(int batch)
    {
        var x = new RandomGenerator(5).Normal([batch, 6, 3]).ToArray<float>();
        for (int t = 4; t < 6; t++)
            for (int f = 0; f < 3; f++) x[(1 * 6 + t) * 3 + f] = 0;
        return Tensor.From<float>(x, new Shape(batch, 6, 3));
    }

    [Fact]
    public void ASavedModelWithLoopsRoundTripsForServingAndGradients()
    {
        var model = Model();
        var x = Inputs(4);
        var expected = model.Invoke(x);
        var call = TensorFunction.Trace(t => model.Invoke(t), inputSignature: [x.Spec]);
        call.Invoke(x);
        using var dir = new TempDir();
        string path = dir["rnn_saved_model"];
        SavedModel.Save(model, path, call);
        // The saved graph holds the loops (one per direction and layer), not one set of ops per step.
        string json = File.ReadAllText(Path.Combine(path, "functions", "call_0.json"));
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(json, "\"op\":\\s*\"Scan\""));

        var loaded = SavedModel.Load(path);
        var graph = loaded.GetConcreteFunctions("call")[0].Graph;
        Assert.Equal(3, graph.OpNodes.Count(n => n.Op is ScanOp));
        TensorAssert.Close(expected, loaded.Call(x), "loaded call");
        var plan = loaded.Plan(x.Spec);
        TensorAssert.Close(expected, plan.RunAll([x])[0], "loaded plan");
        TensorAssert.Close(expected, plan.RunAll([x])[0], "loaded plan, second run");

        // Gradients through the loaded graph's loops reach its (live) variables, as through the original model.
        var weight = new RandomGenerator(9).Normal([.. expected.Shape.ToArray()]);
        Tensor?[] Grads(Func<Tensor, Tensor> f, IReadOnlyList<Variable> variables)
        {
            using var tape = new GradientTape();
            var loss = Ops.Sum(Ops.Mul(Ops.Square(f(x)), weight));
            return tape.Gradient(loss, [.. variables]);
        }
        var original = Grads(t => call.Invoke(t), model.TrainableVariables);
        var reloaded = Grads(loaded.Call, loaded.TrainableVariables);
        Assert.Equal(model.TrainableVariables.Count, loaded.TrainableVariables.Count);
        for (int i = 0; i < original.Length; i++)
        {
            Assert.NotNull(original[i]);
            Assert.NotNull(reloaded[i]);
            TensorAssert.Close(original[i]!, reloaded[i]!, $"gradient of {loaded.TrainableVariables[i].Name}", 1e-4);
        }
    }

    [Fact]
    public void ANoneBatchSignatureSavesTheLoopsAndServesAnyBatch()
    {
        // [None, 6, 3]: the layers trace as batched loops whose result layout does not depend on the batch size.
        var model = Model();
        var call = TensorFunction.Trace(t => model.Invoke(t), inputSignature: [new TensorSpec(new Shape(-1, 6, 3), DType.Float32)]);
        call.Invoke(Inputs(2));
        using var dir = new TempDir();
        string path = dir["rnn_none_batch"];
        SavedModel.Save(model, path, call);
        var loaded = SavedModel.Load(path);
        Assert.Equal(3, loaded.GetConcreteFunctions("call")[0].Graph.OpNodes.Count(n => n.Op is ScanOp && ((ScanOp)n.Op).Batched));
        foreach (int batch in new[] { 2, 5 })
        {
            var x = Inputs(batch);
            TensorAssert.Close(model.Invoke(x), loaded.Call(x), $"batch {batch}");
            TensorAssert.Close(model.Invoke(x), loaded.Plan(x.Spec).RunAll([x])[0], $"batch {batch}, plan");
        }
    }
}
