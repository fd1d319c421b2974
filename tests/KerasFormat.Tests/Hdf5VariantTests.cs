using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// The HDF5 features LayerGen's own reader reads or refuses by name, in files h5py (libhdf5) wrote
/// (Fixtures/hdf5-variants, from Scripts/gen_hdf5_variants.py).
/// </summary>
public class Hdf5VariantTests
{
    private static readonly float[] Kernel = [0f, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f];
    private static readonly float[] Bias = [0.5f, -0.25f];

    private static Sequential Model3To2()
    {
        Keras.ClearSession();
        return new Sequential([new InputLayer(shape: [3]), new Dense(2) { Name = "dense" }]);
    }

    [Theory]
    [InlineData("plain")]       // h5py's defaults: superblock 0, symbol-table groups, contiguous data
    [InlineData("bigendian")]   // big-endian float32
    [InlineData("float64")]     // float64 datasets cast to float32 variables
    [InlineData("compact")]     // data stored inside the object header
    [InlineData("latest")]      // superblock 3, version 2 object headers, compact links
    [InlineData("manyattrs")]   // an object header continued in a second block
    public void H5pyVariantsLoad(string variant)
    {
        var model = Model3To2();
        model.LoadWeights(Fixture.PathOf("hdf5-variants", variant + ".weights.h5"));
        var dense = model.Layers[0];
        Assert.Equal(Kernel, dense.Variables[0].ToFloatArray());
        Assert.Equal(Bias, dense.Variables[1].ToFloatArray());
    }

    [Theory]
    [InlineData("dense_links", "fractal heap")]
    [InlineData("chunked", "compression")]
    public void UnsupportedFeaturesAreRefusedByName(string variant, string named)
    {
        var model = Model3To2();
        var before = model.Layers[0].Variables[0].ToFloatArray();
        string path = Fixture.PathOf("hdf5-variants", variant + ".weights.h5");
        var e = Assert.Throws<KerasFormatException>(() => model.LoadWeights(path));
        Assert.Contains(named, e.Message);
        Assert.Contains("LayerGen does not read", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(before, model.Layers[0].Variables[0].ToFloatArray());
    }
}
