namespace LayerGen.Graphs.Tests;

/// <summary>Every ONNX model the tests export passes the official checker with <c>full_check=True</c>.</summary>
public class OnnxCheckerTests
{
    /// <summary>Every model the ONNX tests export, by name.</summary>
    internal static IEnumerable<(string Name, byte[] Model)> ExportedTestModels()
    {
        // Each op case with a translation (what EveryTranslatedOpMatches runs in ONNX Runtime).
        int i = 0;
        foreach (var (op, inputs) in OpGraphTests.Cases())
        {
            i++;
            if (!OnnxOpMappings.HasTranslation(op.Name)) continue;
            var graph = Graph.Trace(p => [OpRunner.Run(op, p)], [.. inputs.Select(x => x.Spec)]);
            yield return ($"op{i:000}_{op.Name}", OnnxExport.ToBytes(graph));
        }
        // The walkthrough model, with a fixed and an unknown batch dimension.
        foreach (var batch in new[] { 1, -1 })
        {
            var m = new SequentialModule { Name = "the_model" };
            var call = TensorFunction.Trace(m.Call, inputSignature: [new TensorSpec(new Shape(batch, 3), DType.Float32)]);
            yield return ($"walkthrough_batch{batch}", OnnxExport.ToBytes(call.GetConcreteFunction(new TensorSpec(new Shape(1, 3), DType.Float32)).Graph, "call"));
        }
        // The traced training steps (gradients as outputs).
        foreach (var (name, _, model, _) in OnnxTrainingStepTests.Models())
            yield return ("step_" + name, model);
        // ReduceToLike and ReducedCount with unknown dimensions, reductions over no axes.
        yield return ("reduce_to_like_unknown", OnnxExport.ToBytes(Graph.Trace(p => [Ops.ReduceToLike(p[0], p[1])],
            [new(new Shape(-1, -1), DType.Float32), new(new Shape(-1, -1), DType.Float32)])));
        yield return ("reduced_count_unknown", OnnxExport.ToBytes(Graph.Trace(p => [OpRunner.Run(new ReducedCountOp([0]), p)],
            [new(new Shape(-1, 2), DType.Float32)])));
        yield return ("sum_no_axes", OnnxExport.ToBytes(Graph.Trace(p => [Ops.Sum(p[0], [], keepDims: false)], [new(new Shape(2, 3), DType.Float32)])));
        yield return ("squeeze_no_axes", OnnxExport.ToBytes(Graph.Trace(p => [OpRunner.Run(new SqueezeOp([]), p)], [new(new Shape(2, 1, 3), DType.Float32)])));
        yield return ("max_no_axes", OnnxExport.ToBytes(Graph.Trace(p => [OpRunner.Run(new MaxOp([], true), p)], [new(new Shape(2, 3), DType.Float32)])));
    }

    [OnnxCheckerFact]
    public void EveryExportedTestModelPassesTheOnnxChecker()
    {
        using var dir = new TempDir();
        var paths = new List<string>();
        foreach (var (name, model) in ExportedTestModels())
        {
            string path = dir[name + ".onnx"];
            File.WriteAllBytes(path, model);
            paths.Add(path);
        }
        var (failures, count) = OnnxChecker.Check(paths);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(paths.Count, count);
        Assert.True(count >= 70, $"only {count} models checked");
    }

    [OnnxCheckerFact]
    public void TheCheckerRejectsABrokenModel()
    {
        // The checker is really consulted: a model whose node reads a value nothing defines fails.
        using var dir = new TempDir();
        var graph = Graph.Trace(p => [Ops.Relu(p[0])], [new(new Shape(2), DType.Float32)]);
        var bytes = OnnxExport.ToBytes(graph);
        string good = dir["good.onnx"], bad = dir["bad.onnx"];
        File.WriteAllBytes(good, bytes);
        // Truncated bytes do not parse as a model.
        File.WriteAllBytes(bad, bytes[..(bytes.Length / 2)]);
        var (failures, count) = OnnxChecker.Check([good, bad]);
        Assert.Equal(2, count);
        Assert.Single(failures);
        Assert.Contains("bad.onnx", failures[0]);
    }
}
