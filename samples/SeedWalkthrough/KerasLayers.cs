using LayerGen;

namespace SeedWalkthrough;

// class MyDense(tf.keras.layers.Layer):
//   def __init__(self, in_features, out_features, **kwargs):
//     # This will soon move to the build step; see below
//     self.w = tf.Variable(tf.random.normal([in_features, out_features]), name='w')
//     self.b = tf.Variable(tf.zeros([out_features]), name='b')
//   def call(self, x):
//     y = tf.matmul(x, self.w) + self.b
//     return tf.nn.relu(y)

/// <summary>A module turned into a Keras layer: <c>[Layer]</c> instead of <c>[Module]</c>, <c>Call</c> protected.</summary>
[Layer]
public partial class MyDense
{
    readonly int inFeatures, outFeatures;
    readonly Variable w, b;

    public MyDense(int inFeatures, int outFeatures)
    {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
#pragma warning disable LG0001 // the guide moves these to Build in the next step
        w = new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w");
        b = new(Tensor.Zeros([outFeatures]), name: "b");
#pragma warning restore LG0001
    }

    protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
}

// class FlexibleDense(tf.keras.layers.Layer):
//   def __init__(self, out_features, **kwargs):
//     self.out_features = out_features
//   def build(self, input_shape):  # Create the state of the layer (weights)
//     self.w = tf.Variable(tf.random.normal([input_shape[-1], self.out_features]), name='w')
//     self.b = tf.Variable(tf.zeros([self.out_features]), name='b')
//   def call(self, inputs):  # Defines the computation from inputs to outputs
//     return tf.matmul(inputs, self.w) + self.b

/// <summary>Creates its weights in <c>Build</c>, which runs exactly once, with the first input's shape.</summary>
[Layer]
public partial class FlexibleDense
{
    readonly int outFeatures;
    Variable w = null!, b = null!;

    public FlexibleDense(int outFeatures) => this.outFeatures = outFeatures;

    protected void Build(Shape inputShape)   // Create the state of the layer (weights)
    {
        w = AddWeight("w", [inputShape[^1], outFeatures], Initializers.RandomNormal());
        b = AddWeight("b", [outFeatures], Initializers.Zeros());
    }

    protected Tensor Call(Tensor inputs) => Ops.MatMul(inputs, w) + b;   // Defines the computation from inputs to outputs
}

internal static class KerasLayers
{
    public static void Run()
    {
        var simpleLayer = new MyDense(inFeatures: 3, outFeatures: 3) { Name = "simple" };
        Console.WriteLine("simple_layer: " + simpleLayer.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } })));

        // Create the instance of the layer
        var flexibleDense = new FlexibleDense(outFeatures: 3);
        Console.WriteLine("variables before the first call: " + Print.Variables(flexibleDense.Variables));

        // Call it, with predictably random results
        Console.WriteLine("Model results: " + flexibleDense.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f }, { 3f, 3f, 3f } })));
        Console.WriteLine("variables after the first call: " + Print.Variables(flexibleDense.Variables));

        // Build runs only once, so an input of another shape is rejected
        try
        {
            Console.WriteLine("Model results: " + flexibleDense.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f, 2f } })));
        }
        catch (LayerGenException e)
        {
            Console.WriteLine("Failed: " + e.Message);
        }
    }
}
