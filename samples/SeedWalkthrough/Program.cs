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

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine("== " + title + " ==");
}
