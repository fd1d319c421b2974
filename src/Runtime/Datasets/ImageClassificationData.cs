namespace LayerGen.Datasets;

/// <summary>
/// A training set and a test set of labelled images, as <c>keras.datasets.*.load_data()</c> returns them:
/// images float32 <c>(count, height, width)</c>, labels int32 <c>(count)</c>. Deconstructs like Keras's tuples:
/// <c>var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.Load();</c>.
/// </summary>
/// <param name="TrainImages">The training images, float32 <c>(count, height, width)</c>.</param>
/// <param name="TrainLabels">The training labels, int32 <c>(count)</c>.</param>
/// <param name="TestImages">The test images, float32 <c>(count, height, width)</c>.</param>
/// <param name="TestLabels">The test labels, int32 <c>(count)</c>.</param>
public sealed record ImageClassificationData(Tensor TrainImages, Tensor TrainLabels, Tensor TestImages, Tensor TestLabels)
{
    /// <summary>Keras's <c>(x_train, y_train), (x_test, y_test)</c>.</summary>
    public void Deconstruct(out (Tensor Images, Tensor Labels) train, out (Tensor Images, Tensor Labels) test)
    {
        train = (TrainImages, TrainLabels);
        test = (TestImages, TestLabels);
    }
}
