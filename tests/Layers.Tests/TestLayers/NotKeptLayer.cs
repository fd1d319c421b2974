using LayerGen.Layers;
namespace LayerGen.Tests.Layers;

#pragma warning disable LG0003 // on purpose: LG0003 is a warning, and GetConfig throws naming the arguments
/// <summary>Two constructor arguments that are not kept: it runs, but its generated GetConfig throws.</summary>
[Layer]
public partial class NotKeptLayer
{
    readonly float factor;
    public NotKeptLayer(float factor, int seed, bool center) => this.factor = factor + (seed * 0) + (center ? 0f : 0f);
    public float Factor => factor;
    protected Tensor Call(Tensor x) => x * factor;
}
#pragma warning restore LG0003
