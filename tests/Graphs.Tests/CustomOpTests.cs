using System.Runtime.CompilerServices;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// An application's op, declared once with <c>[Op]</c> like the built-in ones: the generator writes its factory,
/// attributes and registration, so it joins every registry-driven check (graph files, plans, ONNX through a
/// mapping registered next to it).
/// </summary>
[Op("GraphsTestsScaleShift")]
public sealed partial class ScaleShiftOp(double scale, [OpAttr("shift_by")] double shift) : UnaryElementwiseOp
{
    /// <summary>The factor.</summary>
    public double Scale { get; } = scale;

    /// <summary>The offset added after scaling.</summary>
    public double Shift { get; } = shift;

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        if (output.DType == DType.Float32)
        {
            var x = inputs[0].AsSpan<float>();
            var r = output.Allocate<float>(out var d, zeroed: false);
            for (int i = 0; i < d.Length; i++) d[i] = x[i] * (float)Scale + (float)Shift;
            return r;
        }
        else
        {
            var x = inputs[0].AsSpan<double>();
            var r = output.Allocate<double>(out var d, zeroed: false);
            for (int i = 0; i < d.Length; i++) d[i] = x[i] * Scale + Shift;
            return r;
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Mul(outputGradient, Tensor.Scalar(Scale, outputGradient.DType))];
}

/// <summary>The ONNX translation of <see cref="ScaleShiftOp"/>, registered by the application that defines it.</summary>
internal static class ScaleShiftOnnxMapping
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [ModuleInitializer]
    internal static void Register() => OnnxOpMappings.Register<ScaleShiftOp>("GraphsTestsScaleShift", (op, emitter, node) =>
    {
        var dtype = node.OutputSpec.DType;
        var scaled = emitter.Temp("scaled");
        emitter.Node("Mul", [node.Inputs[0], emitter.ScalarConst("scale", op.Scale, dtype)], scaled);
        emitter.Node("Add", [scaled, emitter.ScalarConst("shift", op.Shift, dtype)], node.Output);
    });
#pragma warning restore CA2255
}

public class CustomOpTests
{
    [Fact]
    public void TheGeneratorRegistersTheOp()
    {
        Assert.True(OpRegistry.IsRegistered("GraphsTestsScaleShift"));
        Assert.Equal("GraphsTestsScaleShift", new ScaleShiftOp(2, 0.5).Name);
    }

    [Fact]
    public void AttributesAreDeclaredOnceAndRoundTrip()
    {
        var op = new ScaleShiftOp(2, 0.5);
        var attributes = new OpAttributes(op.Name);
        op.WriteAttributes(attributes);
        Assert.Equal(["scale", "shift_by"], attributes.Items.Select(kv => kv.Key));
        Assert.Equal("GraphsTestsScaleShift(scale=2, shift_by=0.5)", op.ToString());
        var copy = Assert.IsType<ScaleShiftOp>(OpRegistry.Create(op.Name, attributes));
        Assert.Equal((2.0, 0.5), (copy.Scale, copy.Shift));
    }

    [Fact]
    public void AMissingAttributeNamesTheOpAndTheAttribute()
    {
        var attributes = new OpAttributes("GraphsTestsScaleShift").Set("scale", 2.0);
        var e = Assert.Throws<OpAttributeException>(() => OpRegistry.Create("GraphsTestsScaleShift", attributes));
        Assert.Equal("shift_by", e.Attribute);
    }
}
