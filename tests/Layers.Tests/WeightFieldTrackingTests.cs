using LayerGen.Layers;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Issue 23: the generated <c>VisitMembers</c> leaves out fields that only hold weights from <c>AddWeight</c> (the runtime's
/// <c>Layer.VisitMembers</c> reports them); the walks must see the same variables, paths and order as before, and a
/// variable made otherwise must stay tracked.
/// </summary>
public class WeightFieldTrackingTests
{
    private static readonly Tensor X = Tensor.From(new[,] { { 1f, 2f, 3f } });

    [Fact]
    public void WeightsFromAddWeightAreStillTrackedInKerasOrder()
    {
        Keras.ClearSession();
        var layer = new AddedWeightsOnly();
        layer.Invoke(X);
        Assert.Equal(["kernel", "bias"], layer.NamedVariables.Select(v => v.Key));
        Assert.Equal(["kernel"], layer.TrainableVariables.Select(v => v.Name));
        Assert.Equal(["bias"], layer.NonTrainableVariables.Select(v => v.Name));
        Assert.Equal(2, layer.GetWeights().Length);
    }

    [Fact]
    public void AVariableMadeOtherwiseAndSubLayersStayTracked()
    {
        Keras.ClearSession();
        var layer = new MixedWeights();
        layer.Invoke(X);
        Assert.Equal(["kernel", "offset", "inner/kernel", "inner/bias"], layer.NamedVariables.Select(v => v.Key));
        Assert.Equal(["dense"], layer.DirectLayers().Select(l => l.Name));
        Assert.Equal(4, layer.TrainableVariables.Count);
    }
}
