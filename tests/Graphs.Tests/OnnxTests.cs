using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LayerGen.Graphs.Tests;

/// <summary>Exported ONNX models, run by ONNX Runtime, give what the graphs give.</summary>
public class OnnxTests
{
    internal static Tensor[] RunOnnx(byte[] model, Graph graph, Tensor[] inputs)
    {
        using var session = new InferenceSession(model);
        var feeds = new List<NamedOnnxValue>();
        int i = 0;
        foreach (var n in graph.Inputs)
        {
            var x = inputs[i++];
            int[] dims = x.Shape.ToArray();
            feeds.Add(x.DType switch
            {
                DType.Float32 => NamedOnnxValue.CreateFromTensor(n.Name, new DenseTensor<float>(x.ToArray<float>(), dims)),
                DType.Float64 => NamedOnnxValue.CreateFromTensor(n.Name, new DenseTensor<double>(x.ToArray<double>(), dims)),
                DType.Int32 => NamedOnnxValue.CreateFromTensor(n.Name, new DenseTensor<int>(x.ToArray<int>(), dims)),
                DType.Int64 => NamedOnnxValue.CreateFromTensor(n.Name, new DenseTensor<long>(x.ToArray<long>(), dims)),
                _ => NamedOnnxValue.CreateFromTensor(n.Name, new DenseTensor<bool>(x.ToArray<bool>(), dims)),
            });
        }
        using var results = session.Run(feeds);
        var outputs = new List<Tensor>();
        foreach (var r in results)
        {
            switch (r.Value)
            {
                case DenseTensor<float> t: outputs.Add(Tensor.From<float>(t.Buffer.Span, new Shape([.. t.Dimensions.ToArray()]))); break;
                case DenseTensor<double> t: outputs.Add(Tensor.From<double>(t.Buffer.Span, new Shape([.. t.Dimensions.ToArray()]))); break;
                case DenseTensor<int> t: outputs.Add(Tensor.From<int>(t.Buffer.Span, new Shape([.. t.Dimensions.ToArray()]))); break;
                case DenseTensor<long> t: outputs.Add(Tensor.From<long>(t.Buffer.Span, new Shape([.. t.Dimensions.ToArray()]))); break;
                case DenseTensor<bool> t: outputs.Add(Tensor.From<bool>(t.Buffer.Span, new Shape([.. t.Dimensions.ToArray()]))); break;
                default: throw new InvalidOperationException($"unexpected output {r.Value?.GetType()}");
            }
        }
        return [.. outputs];
    }

    internal static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5 + 1e-4 * Math.Abs(e[i]) || (double.IsNaN(e[i]) && double.IsNaN(a[i])),
                $"{what}: element {i} is {a[i]}, expected {e[i]}");
    }

    [Fact]
    public void WalkthroughModelRunsInOnnxRuntime()
    {
        var m = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(m.Call, inputSignature: [new TensorSpec(new Shape(-1, 3), DType.Float32)]);
        var x = Tensor.RandomNormal([4, 3]);
        var expected = call.Invoke(x);
        var graph = call.ConcreteFunctions[0].Graph;
        var onnx = OnnxExport.ToBytes(graph, "call");
        AssertClose(expected, RunOnnx(onnx, graph, [x])[0], "call");
        var x7 = Tensor.RandomNormal([7, 3]);   // the batch dimension is symbolic in the ONNX model
        AssertClose(m.Call(x7), RunOnnx(onnx, graph, [x7])[0], "batch of 7");
    }

    [Fact]
    public void EveryTranslatedOpMatches()
    {
        var failures = new List<string>();
        int exported = 0;
        foreach (var (op, inputs) in OpGraphTests.Cases())
        {
            var graph = Graph.Trace(p => [OpRunner.Run(op, p)], [.. inputs.Select(i => i.Spec)]);
            byte[] model;
            try { model = OnnxExport.ToBytes(graph); }
            catch (OnnxExportException) { continue; }
            exported++;
            try { AssertClose(OpRunner.Run(op, inputs), RunOnnx(model, graph, inputs)[0], op.ToString()); }
            catch (Exception e) { failures.Add($"{op}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(exported >= 50, $"only {exported} ops exported");
    }

    [Fact]
    public void UntranslatedOpsNameTheOp()
    {
        var graph = Graph.Trace(p => [OpRunner.Run(new GatherGradOp(0), p)], [new(new Shape(2, 3), DType.Float32), new(new Shape(2), DType.Int32), new(new Shape(4, 3), DType.Float32)]);
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.ToBytes(graph));
        Assert.Contains("GatherGrad", e.Message);
    }

    [Fact]
    public void EveryRegisteredOpHasAnOnnxMappingOrSaysWhyNot()
    {
        var missing = OpRegistry.Names.Where(n => !OnnxOpMappings.HasTranslation(n) && OnnxOpMappings.NoTranslationReason(n) is null).ToList();
        Assert.True(missing.Count == 0, "No ONNX mapping and no \"no translation\" entry for: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryCaseWithAMappingExports()
    {
        foreach (var (op, inputs) in OpGraphTests.Cases())
        {
            var graph = Graph.Trace(p => [OpRunner.Run(op, p)], [.. inputs.Select(i => i.Spec)]);
            if (OnnxOpMappings.HasTranslation(op.Name)) Assert.NotEmpty(OnnxExport.ToBytes(graph));
            else
            {
                var e = Assert.Throws<OnnxExportException>(() => OnnxExport.ToBytes(graph));
                Assert.Contains(OnnxOpMappings.NoTranslationReason(op.Name)!, e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void ApplicationsRegisterTranslations()
    {
        const string name = "OnnxTestsCustomNeg";
        OnnxOpMappings.RegisterNoTranslation(name, "not yet");
        Assert.False(OnnxOpMappings.HasTranslation(name));
        Assert.Equal("not yet", OnnxOpMappings.NoTranslationReason(name));
        OnnxOpMappings.Register<NegOp>(name, (op, emitter, node) => emitter.Node("Neg", node.Inputs, node.Output));
        Assert.True(OnnxOpMappings.HasTranslation(name));
        Assert.Null(OnnxOpMappings.NoTranslationReason(name));
    }
}
