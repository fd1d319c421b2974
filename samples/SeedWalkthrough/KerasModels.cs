using LayerGen;

namespace SeedWalkthrough;

// class MySequentialModel(tf.keras.Model):
//   def __init__(self, name=None, **kwargs):
//     self.dense_1 = FlexibleDense(out_features=3)
//     self.dense_2 = FlexibleDense(out_features=2)
//   def call(self, x):
//     x = self.dense_1(x)
//     return self.dense_2(x)

/// <summary>A Keras model made of layers: <c>[Layer]</c> deriving from <see cref="Model"/>.</summary>
[Layer]
public partial class MySequentialModel : Model
{
    readonly FlexibleDense dense1 = new(outFeatures: 3);
    readonly FlexibleDense dense2 = new(outFeatures: 2);

    protected Tensor Call(Tensor x) => dense2.Invoke(dense1.Invoke(x));
}

internal static class KerasModels
{
    public static void Run()
    {
        // You have made a Keras model!
        var mySequentialModel = new MySequentialModel { Name = "the_model" };

        // Call it on a tensor, with random results
        Console.WriteLine("Model results: " + mySequentialModel.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } })));
        Console.WriteLine("variables: " + Print.Tuple(mySequentialModel.Variables.Select(v => v.Name + v.Shape.ToString())));
        Console.WriteLine("submodules: " + Print.Tuple(mySequentialModel.Submodules.Select(m => m.Name)));
        mySequentialModel.Summary();

        // The same model with the functional API
        var inputs = Keras.Input(shape: [3]);
        var x = new FlexibleDense(3).Invoke(inputs);
        x = new FlexibleDense(2).Invoke(x);
        var myFunctionalModel = new Model(inputs, x);
        Console.WriteLine("symbolic output shape: " + x.Shape);
        Console.WriteLine("Model results: " + myFunctionalModel.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } })));
        myFunctionalModel.Summary();

        // Custom layers get GetConfig/FromConfig from their constructor: no hand-written code.
        var config = new FlexibleDense(outFeatures: 3) { Name = "configured" }.GetConfig();
        Console.WriteLine("FlexibleDense config: " + config.ToJsonString());
        var rebuilt = FlexibleDense.FromConfig(config);
        Console.WriteLine("rebuilt from config: " + rebuilt.Name + ", registered as " + rebuilt.RegisteredName);
    }
}
