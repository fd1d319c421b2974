// "Introduction to modules, layers, and models", section by section, in C#.
// Each section of the guide is one file here; Program runs them in the guide's order. What the guide writes
// to the current directory (my_checkpoint, logs/func, the_saved_model, exname_of_file.keras) goes to a
// temporary directory, deleted at the end.
using LayerGen;
using SeedWalkthrough;

// Seed 11: the_model (section 2, saved in sections 4-6) gives a non-zero (1, 2) result on [[2, 2, 2]] (seed 42 gives 0 0 after relu).
RandomGenerator.SetGlobalSeed(11);
var workDir = Directory.CreateTempSubdirectory("layergen-walkthrough-").FullName;
try
{
    Section("TensorFlow Modules / Building Modules");
    BuildingModules.Run();

    Section("Modules made of modules");
    var myModel = ModulesOfModules.Run();

    Section("Waiting to create variables");
    WaitingToCreateVariables.Run();

    Section("Saving weights");
    SavingWeights.Run(myModel, workDir);

    Section("Saving functions");
    var call = SavingFunctions.Run(myModel, workDir);

    Section("Creating a SavedModel");
    CreatingASavedModel.Run(myModel, call, workDir);

    Section("Keras layers / The build step");
    KerasLayers.Run();

    Section("Keras models");
    KerasModels.Run();

    Section("Keras models / Saving Keras models");
    {
        // The functional model of step 8 saved as a Keras 3 .keras archive and loaded back: the custom
        // FlexibleDense layers are found through their registered name (SeedWalkthrough>FlexibleDense).
        var inputs = Keras.Input(shape: [3]);
        var x = new FlexibleDense(3).Invoke(inputs);
        x = new FlexibleDense(2).Invoke(x);
        var functional = new Model(inputs, x);
        var path = Path.Combine(workDir, "exname_of_file.keras");
        functional.Save(path);
        var reconstructed = Model.Load(path);
        var probe = Tensor.From(new[,] { { 2f, 2f, 2f } });
        Console.WriteLine("Original model: " + functional.Invoke(probe));
        Console.WriteLine("Loaded model:   " + reconstructed.Invoke(probe));
    }
}
finally
{
    Directory.Delete(workDir, recursive: true);
}

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine("== " + title + " ==");
}
