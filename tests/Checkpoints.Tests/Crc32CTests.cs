using System.Text;

namespace LayerGen.Checkpoints.Tests;

public class Crc32CTests
{
    [Fact]
    public void StandardCheckValue() => Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void AppendingInPiecesEqualsAtOnce()
    {
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        uint s = Crc32C.Initial;
        s = Crc32C.Append(s, data.AsSpan(0, 3));
        s = Crc32C.Append(s, data.AsSpan(3, 500));
        s = Crc32C.Append(s, data.AsSpan(503));
        Assert.Equal(Crc32C.Compute(data), Crc32C.Finish(s));
        Assert.Equal(0u, Crc32C.Compute([]));
    }
}
