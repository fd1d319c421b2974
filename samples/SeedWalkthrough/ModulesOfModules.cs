using LayerGen;

namespace SeedWalkthrough;

// class Dense(tf.Module):
//   def __init__(self, in_features, out_features, name=None):
//     self.w = tf.Variable(tf.random.normal([in_features, out_features]), name='w')
//     self.b = tf.Variable(tf.zeros([out_features]), name='b')
//   def __call__(self, x):
//     y = tf.matmul(x, self.w) + self.b
//     return tf.nn.relu(y)

/// <summary>A dense (linear) layer.</summary>
[Module]
public partial class Dense
{
    readonly Variable w, b;

    public Dense(int inFeatures, int outFeatures)
    {
        w = new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w");
        b = new(Tensor.Zeros([outFeatures]), name: "b");
    }

    public Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
}

/// <summary>The complete model: two layer instances, applied in turn.</summary>
[Module]
public partial class SequentialModule
{
    readonly Dense dense1 = new(3, 3);
    readonly Dense dense2 = new(3, 2);

    public Tensor Call(Tensor x) => dense2.Call(dense1.Call(x));
}

internal static class ModulesOfModules
{
    /// <summary>Runs the section and returns its model, which the next sections save.</summary>
    public static SequentialModule Run()
    {
        // You have made a model!
        var myModel = new SequentialModule { Name = "the_model" };

        // Call it, with random results
        Console.WriteLine("Model results: " + myModel.Call(Tensor.From(new[,] { { 2f, 2f, 2f } })));

        // print("Submodules:", my_model.submodules)
        Console.WriteLine("Submodules: " + Print.Tuple(myModel.Submodules));
        foreach (var (path, module) in myModel.NamedSubmodules)
            Console.WriteLine($"  {myModel.Name}/{path}: {module}");

        // for var in my_model.variables: print(var, "\n")
        foreach (var variable in myModel.Variables)
        {
            Console.WriteLine(variable);
            Console.WriteLine();
        }

        // Each variable's path in the module tree.
        foreach (var (path, variable) in myModel.NamedVariables)
            Console.WriteLine($"{myModel.Name}/{path} {variable.Shape} {variable.DType.Name()}");
        return myModel;
    }
}
