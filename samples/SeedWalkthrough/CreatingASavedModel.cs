using LayerGen;

namespace SeedWalkthrough;

// tf.saved_model.save(my_model, "the_saved_model")
// ls -l the_saved_model
// ls -l the_saved_model/variables
// new_model = tf.saved_model.load("the_saved_model")
// isinstance(new_model, SequentialModule)
// print(my_model([[2.0, 2.0, 2.0]]))
// print(my_model([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]]))

/// <summary>"Creating a SavedModel": the traced graphs plus a checkpoint of the weights, loaded without the class.</summary>
internal static class CreatingASavedModel
{
    public static void Run(SequentialModule myModel, TensorFunction call, string workDir)
    {
        string path = Path.Combine(workDir, "the_saved_model");
        SavedModel.Save(myModel, path, call);

        // Inspect the SavedModel in the directory; variables/ holds a checkpoint of the variables
        Console.WriteLine("ls -R the_saved_model");
        foreach (var file in Directory.GetFiles(path, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(path, f).Replace('\\', '/')).Order(StringComparer.Ordinal))
            Console.WriteLine("  " + file);

        // Load it as a new object, without the class that made it
        var newModel = SavedModel.Load(path);
        Console.WriteLine("loaded: " + newModel);
        Module loaded = newModel;
        Console.WriteLine("isinstance(new_model, SequentialModule): " + (loaded is SequentialModule));

        // It works on the signatures that were traced...
        var x13 = Tensor.From(new[,] { { 2f, 2f, 2f } });
        var x123 = Tensor.From(new[,,] { { { 2f, 2f, 2f }, { 2f, 2f, 2f } } });
        Console.WriteLine(newModel.Call(x13));
        Console.WriteLine(newModel.Call(x123));
        Console.WriteLine("same results as the original: "
            + (newModel.Call(x13).ToArray<float>().SequenceEqual(myModel.Call(x13).ToArray<float>())
               && newModel.Call(x123).ToArray<float>().SequenceEqual(myModel.Call(x123).ToArray<float>())));

        // ... and no other: no signature can be added to a loaded model
        try
        {
            newModel.Call(Tensor.From(new[,] { { 2f, 2f, 2f, 2f } }));
        }
        catch (SignatureNotFoundException e)
        {
            Console.WriteLine("Failed: " + e.Message);
        }
    }
}
