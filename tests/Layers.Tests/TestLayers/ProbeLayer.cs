// A layer whose generated part is written inline (tests only).
namespace LayerGen.Tests.Layers;

public sealed class ProbeLayer(Action probe) : Layer
{
    protected override string DefaultName => "probe_layer";

    public Tensor Invoke(Tensor x)
    {
        var frame = EnterCall(null, null);
        try
        {
            if (!IsBuilt) { BeginBuild(); EndBuild(global::LayerGen.Layers.BuildConfig.ForInput(x.Shape)); }
            probe();
            return FinishCall(frame, new CallArguments([x]), x);
        }
        finally { ExitCall(frame); }
    }

    protected override Tensor[] InvokeRecorded(CallArguments arguments) => [Invoke(arguments.Tensors[0])];
}
