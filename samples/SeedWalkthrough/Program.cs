// "Introduction to modules, layers, and models", section by section, in C#.
// Each section of the guide is one file here; Program runs them in the guide's order.
using LayerGen;
using SeedWalkthrough;

RandomGenerator.SetGlobalSeed(42);

Section("TensorFlow Modules / Building Modules");
BuildingModules.Run();

Section("Modules made of modules");
ModulesOfModules.Run();

Section("Waiting to create variables");
WaitingToCreateVariables.Run();

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
    var path = Path.Combine(Path.GetTempPath(), "exname_of_file.keras");
    functional.Save(path);
    var reconstructed = Model.Load(path);
    var probe = Tensor.From(new[,] { { 2f, 2f, 2f } });
    Console.WriteLine("Original model: " + functional.Invoke(probe));
    Console.WriteLine("Loaded model:   " + reconstructed.Invoke(probe));
    File.Delete(path);
}

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine("== " + title + " ==");
}
