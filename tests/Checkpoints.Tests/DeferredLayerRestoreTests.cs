using LayerGen.Layers;

namespace LayerGen.Tests.Checkpoints;

/// <summary>Restoring into Keras layers that are not built yet: values wait until Build creates the variables.</summary>
public sealed class DeferredLayerRestoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("layergen-deferred-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void UnbuiltSequentialGetsItsWeightsWhenBuilt()
    {
        var x = Tensor.From(new[,] { { 1f, 2f, 3f }, { -1f, 0.5f, 2f } });
        var trained = new Sequential([new Dense(4, activation: "relu"), new Dense(2)]);
        var expected = trained.Invoke(x).ToArray<float>();
        var prefix = Path.Combine(_dir, "ckpt");
        new Checkpoint { ["model"] = trained }.Write(prefix);

        var fresh = new Sequential([new Dense(4, activation: "relu"), new Dense(2)]);
        Assert.Empty(fresh.Variables);
        var status = new Checkpoint { ["model"] = fresh }.Restore(prefix);
        Assert.NotEmpty(status.UnusedInFile);          // nothing to take yet: the layers are not built
        Assert.True(DeferredRestores.HasPending(fresh));

        var got = fresh.Invoke(x).ToArray<float>();
        Assert.Equal(expected, got);
        Assert.False(DeferredRestores.HasPending(fresh));
    }
}
