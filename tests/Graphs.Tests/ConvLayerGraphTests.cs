using LayerGen.Layers;
using LayerGen.Models;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// Models of convolution layers traced into graphs: the execution plan (with its fused steps) and the exported ONNX
/// model (run by ONNX Runtime) give the eager predictions, channels_first (Transposes around the op) included.
/// </summary>
public class ConvLayerGraphTests
{
    public static IEnumerable<object[]> Models() => [["2d"], ["2d_channels_first"], ["1d"], ["3d"]];

    private static (Sequential Model, int[] Shape) Make(string kind)
    {
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(21);
        static Initializer Bias() => Initializers.RandomNormal(0, 0.3);
        return kind switch
        {
            "2d" => (new Sequential([
                new InputLayer(shape: [9, 8, 3]),
                new Conv2D(4, 3, strides: 2, padding: "same", activation: "relu", biasInitializer: Bias()),
                new DepthwiseConv2D(2, depthMultiplier: 2, activation: "tanh", biasInitializer: Bias()),
                new SeparableConv2D(3, [2, 1], padding: "same", biasInitializer: Bias()),
                new Conv2DTranspose(2, 3, strides: 2, padding: "same", activation: "sigmoid", biasInitializer: Bias()),
                new Conv2D(2, 2, groups: 2, dilationRate: 2, biasInitializer: Bias()),
            ]), [9, 8, 3]),
            "2d_channels_first" => (new Sequential([
                new InputLayer(shape: [3, 7, 6]),
                new Conv2D(4, 3, padding: "same", dataFormat: "channels_first", activation: "relu", biasInitializer: Bias()),
                new DepthwiseConv2D(3, dataFormat: "channels_first", biasInitializer: Bias()),
                new Conv2DTranspose(2, 2, strides: 2, dataFormat: "channels_first", biasInitializer: Bias()),
            ]), [3, 7, 6]),
            "1d" => (new Sequential([
                new InputLayer(shape: [10, 2]),
                new Conv1D(3, 3, padding: "causal", dilationRate: 2, activation: "relu", biasInitializer: Bias()),
                new SeparableConv1D(4, 2, depthMultiplier: 2, strides: 2, biasInitializer: Bias()),
                new DepthwiseConv1D(2, padding: "same", biasInitializer: Bias()),
                new Conv1DTranspose(2, 3, strides: 2, biasInitializer: Bias()),
            ]), [10, 2]),
            _ => (new Sequential([
                new InputLayer(shape: [4, 5, 4, 2]),
                new Conv3D(3, 2, padding: "same", activation: "relu", biasInitializer: Bias()),
                new Conv3DTranspose(2, [2, 1, 2], strides: [2, 1, 1], biasInitializer: Bias()),
            ]), [4, 5, 4, 2]),
        };
    }

    private static Tensor Input(int batch, int[] shape, int seed) => new RandomGenerator(seed).Normal([batch, .. shape]);

    [Theory]
    [MemberData(nameof(Models))]
    public void PlanEqualsEager(string kind)
    {
        var (model, shape) = Make(kind);
        var plan = TensorFunction.Trace(x => model.Invoke(x)).Plan(new TensorSpec([3, .. shape], DType.Float32));
        for (int run = 0; run < 3; run++)
        {
            var x = Input(3, shape, run);
            OnnxTests.AssertClose(model.Invoke(x), plan.Run(x), $"{kind} run {run}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void OnnxExportRunsInOnnxRuntime(string kind)
    {
        var (model, shape) = Make(kind);
        var fn = TensorFunction.Trace(x => model.Invoke(x));
        var x = Input(2, shape, 5);
        var graph = fn.GetConcreteFunction(x.Spec).Graph;
        var onnx = OnnxExport.ToBytes(graph, kind);
        OnnxTests.AssertClose(model.Invoke(x), OnnxTests.RunOnnx(onnx, graph, [x])[0], kind);
    }
}
