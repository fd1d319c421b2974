using LayerGen;

namespace SeedWalkthrough;

// chkp_path = "my_checkpoint"
// checkpoint = tf.train.Checkpoint(model=my_model)
// checkpoint.write(chkp_path)
// ls my_checkpoint*
// tf.train.list_variables(chkp_path)
// new_model = MySequentialModule()
// new_checkpoint = tf.train.Checkpoint(model=new_model)
// new_checkpoint.restore("my_checkpoint")
// new_model(tf.constant([[2.0, 2.0, 2.0]]))   # Should be the same result as above

/// <summary>"Saving weights": a checkpoint holds the values of the variables, nothing else.</summary>
internal static class SavingWeights
{
    public static void Run(SequentialModule myModel, string workDir)
    {
        var x = Tensor.From(new[,] { { 2f, 2f, 2f } });
        string chkpPath = Path.Combine(workDir, "my_checkpoint");
        var checkpoint = new Checkpoint { ["model"] = myModel };
        checkpoint.Write(chkpPath);

        // ls my_checkpoint*: the index, and one numbered data shard
        Console.WriteLine("ls my_checkpoint*");
        foreach (var file in Directory.GetFiles(workDir, "my_checkpoint*").Select(Path.GetFileName).Order(StringComparer.Ordinal))
            Console.WriteLine("  " + file);

        // Look inside: every variable, by the path of the object that holds it
        Console.WriteLine("list_variables:");
        foreach (var variable in Checkpoint.ListVariables(chkpPath))
            Console.WriteLine("  " + variable);

        // Loading overwrites the values of the new model's variables in place
        var newModel = new SequentialModule();
        var status = new Checkpoint { ["model"] = newModel }.Restore(chkpPath);
        status.AssertConsumed();
        Console.WriteLine("Original model: " + myModel.Call(x));
        Console.WriteLine("Restored model: " + newModel.Call(x));   // Should be the same result as above
        bool same = myModel.Variables.Zip(newModel.Variables).All(p => p.First.ToArray<float>().SequenceEqual(p.Second.ToArray<float>()));
        Console.WriteLine("restored variables equal the saved ones: " + same);
    }
}
