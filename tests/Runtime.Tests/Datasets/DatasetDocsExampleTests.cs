using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Tests.Datasets;

/// <summary>docs/datasets.md's first example, on a small synthetic Fashion-MNIST directory instead of the installed one.</summary>
public class DatasetDocsExampleTests
{
    [Fact]
    public void TheDocsPipelineTrainsAndValidates()
    {
        using var tmp = new TempDirectory();
        IdxFiles.WriteSet(tmp.Path, train: 300, test: 100);
        string dir = tmp.Path;
        RandomGenerator.SetGlobalSeed(3);

        // --- docs/datasets.md (after `string dir = ...`), epochs lowered ---
        var train = Dataset.FromIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"))
            .Shuffle(bufferSize: 10_000, seed: 1)
            .Batch(128)
            .Prefetch(2);
        var test = Dataset.FromIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"))
            .Batch(512)
            .Prefetch();

        var model = new Sequential([
            new InputLayer(shape: [28, 28]),
            new Flatten(),
            new Dense(256, activation: "relu"),
            new Dense(10),
        ]);
        model.Compile(new Adam(learningRate: 1e-3), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        var history = model.Fit(train, epochs: 2, verbose: 0, validationData: test);
        // --- end of the example ---

        Assert.Equal(2, history["loss"].Count);
        Assert.Equal(2, history["val_accuracy"].Count);
        Assert.True(double.IsFinite(history["val_loss"][^1]));
    }
}
