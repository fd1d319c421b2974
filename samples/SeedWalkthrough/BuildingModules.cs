using LayerGen;

namespace SeedWalkthrough;

// class SimpleModule(tf.Module):
//   def __init__(self, name=None):
//     self.a_variable = tf.Variable(5.0, name="train_me")
//     self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")
//   def __call__(self, x):
//     return self.a_variable * x + self.non_trainable_variable

/// <summary>A very simple module that operates on a scalar tensor.</summary>
[Module]
public partial class SimpleModule
{
    public Variable AVariable { get; } = new(5.0f, name: "train_me");
    public Variable NonTrainableVariable { get; } = new(5.0f, trainable: false, name: "do_not_train_me");

    public Tensor Call(Tensor x) => AVariable * x + NonTrainableVariable;
}

internal static class BuildingModules
{
    public static void Run()
    {
        // simple_module = SimpleModule(name="simple")
        var simpleModule = new SimpleModule { Name = "simple" };

        // simple_module(tf.constant(5.0))
        Console.WriteLine(simpleModule.Call(Tensor.Scalar(5f)));

        // All trainable variables / every variable: collected by the code the generator wrote.
        Console.WriteLine("trainable variables: " + Print.Variables(simpleModule.TrainableVariables));
        Console.WriteLine("all variables: " + Print.Variables(simpleModule.Variables));

        // Without a name, a module is called after its class in snake_case.
        Console.WriteLine("default name: " + new SimpleModule().Name);

        // "You can set the trainability of variables on and off": freeze, then unfreeze.
        simpleModule.AVariable.Trainable = false;
        Console.WriteLine("after freezing train_me, trainable variables: " + Print.Variables(simpleModule.TrainableVariables));
        simpleModule.AVariable.Trainable = true;
        Console.WriteLine("after unfreezing, trainable variables: " + Print.Variables(simpleModule.TrainableVariables));
    }
}
