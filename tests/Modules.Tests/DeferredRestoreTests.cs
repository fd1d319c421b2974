using LayerGen.Checkpoints;

namespace LayerGen.Modules.Tests;

/// <summary>
/// Issue 21 item 11: a [Module] whose variables are created on the first call computes that call with the
/// restored values (as TensorFlow restores deferred variables when they are created), without ApplyPending.
/// </summary>
public sealed class DeferredRestoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "layergen-deferred-" + Guid.NewGuid().ToString("N"));

    public DeferredRestoreTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void VariablesCreatedOnTheFirstCallTakeTheirRestoredValuesBeforeTheyAreUsed()
    {
        var x = Tensor.From(new[,] { { 2f, -1f, 0.5f } });
        var trained = new MySequentialModule();
        var expected = trained.Call(x).ToArray<float>();
        string prefix = new Checkpoint { ["model"] = trained }.Save(Path.Combine(_dir, "ckpt"));

        var restored = new MySequentialModule();
        var status = new Checkpoint { ["model"] = restored }.Restore(prefix);
        Assert.Empty(restored.Variables);
        Assert.Equal(expected, restored.Call(x).ToArray<float>());
        status.AssertConsumed();
        Assert.Equal(trained.Variables.Select(v => v.ToArray<float>()), restored.Variables.Select(v => v.ToArray<float>()));
    }
}
