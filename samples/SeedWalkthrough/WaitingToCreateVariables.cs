using LayerGen;

namespace SeedWalkthrough;

// class FlexibleDenseModule(tf.Module):
//   # Note: No need for `in_features`
//   def __init__(self, out_features, name=None):
//     self.is_built = False
//     self.out_features = out_features
//   def __call__(self, x):
//     # Create variables on first call.
//     if not self.is_built:
//       self.w = tf.Variable(tf.random.normal([x.shape[-1], self.out_features]), name='w')
//       self.b = tf.Variable(tf.zeros([self.out_features]), name='b')
//       self.is_built = True
//     y = tf.matmul(x, self.w) + self.b
//     return tf.nn.relu(y)

/// <summary>A dense layer that creates its variables on the first call, from the input's shape.</summary>
[Module]
public partial class FlexibleDenseModule
{
    readonly int outFeatures;
    Variable? w, b;

    public FlexibleDenseModule(int outFeatures) => this.outFeatures = outFeatures;

    public Tensor Call(Tensor x)
    {
        // Create variables on first call.
        w ??= new(Tensor.RandomNormal([x.Shape[^1], outFeatures]), name: "w");
        b ??= new(Tensor.Zeros([outFeatures]), name: "b");
        return Ops.Relu(Ops.MatMul(x, w) + b);
    }
}

/// <summary>Used in a module.</summary>
[Module]
public partial class MySequentialModule
{
    readonly FlexibleDenseModule dense1 = new(3);
    readonly FlexibleDenseModule dense2 = new(2);

    public Tensor Call(Tensor x) => dense2.Call(dense1.Call(x));
}

internal static class WaitingToCreateVariables
{
    public static void Run()
    {
        var myModel = new MySequentialModule { Name = "the_model" };
        Console.WriteLine("variables before the first call: " + Print.Variables(myModel.Variables));

        Console.WriteLine("Model results: " + myModel.Call(Tensor.From(new[,] { { 2f, 2f, 2f } })));

        Console.WriteLine("variables after the first call:");
        foreach (var (path, variable) in myModel.NamedVariables)
            Console.WriteLine($"  {myModel.Name}/{path} {variable.Shape} {variable.DType.Name()}");
    }
}
