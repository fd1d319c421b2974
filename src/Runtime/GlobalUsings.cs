// Written by eng/restructure-namespaces.py; edit the map there and run it again.
// The runtime's folders are namespaces; inside the runtime every one of them is in scope, as when it was
// one namespace. (The families that were namespaces of their own before import them where used.)
global using LayerGen.Autodiff;
global using LayerGen.Checkpoints;
global using LayerGen.Datasets;
global using LayerGen.Distributed;
global using LayerGen.Formats;
global using LayerGen.Graphs;
global using LayerGen.IO;
global using LayerGen.Kernels;
global using LayerGen.Layers;
global using LayerGen.Models;
global using LayerGen.Modules;
global using LayerGen.Operations;
global using LayerGen.Saving;
global using LayerGen.Serialization;
global using LayerGen.Tensors;
global using LayerGen.Training;
global using LayerGen.Variables;
global using Module = LayerGen.Modules.Module;
global using Tensor = LayerGen.Tensors.Tensor;
