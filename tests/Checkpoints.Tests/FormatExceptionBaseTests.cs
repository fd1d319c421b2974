namespace LayerGen.Checkpoints.Tests;

/// <summary>A damaged checkpoint or safetensors file is caught as <see cref="LayerGenFormatException"/>, each with its own type.</summary>
public class FormatExceptionBaseTests
{
    [Fact]
    public void DamagedCheckpointIsALayerGenFormatException()
    {
        using var dir = new TempDir();
        new Checkpoint { ["v"] = new Variable(Tensor.Range(0, 16, 1)) }.Write(dir["c"]);
        var index = dir["c"] + ".index";
        var bytes = File.ReadAllBytes(index);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(index, bytes);
        var ex = Assert.ThrowsAny<LayerGenFormatException>(() => new Checkpoint { ["v"] = new Variable(Tensor.Zeros([16])) }.Restore(dir["c"]));
        Assert.IsType<CheckpointFormatException>(ex);
    }

    [Fact]
    public void DamagedSafeTensorsIsALayerGenFormatExceptionButNotACheckpointOne()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["x.safetensors"], [1, 2, 3]);
        var ex = Assert.ThrowsAny<LayerGenFormatException>(() => SafeTensors.Load(dir["x.safetensors"]));
        Assert.IsType<SafeTensorsFormatException>(ex);
        Assert.IsNotAssignableFrom<CheckpointFormatException>(ex);
    }
}
