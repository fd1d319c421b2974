using LayerGen;

// Saves checkpoints in a loop until killed: `LayerGen.Checkpoints.CrashHelper <directory> <megabytes per variable>`.
// Every element of save N holds the value N, so a reader can tell a whole checkpoint from a mixed one.
// Prints "saved N" after each save completes.
if (args.Length < 2) { Console.Error.WriteLine("usage: <directory> <megabytes per variable>"); return 2; }
string dir = args[0];
int elements = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024 / 4;
var vars = new Variable[4];
for (int i = 0; i < vars.Length; i++) vars[i] = new Variable(Tensor.Zeros([elements]), name: $"v{i}");
var checkpoint = new Checkpoint { MaxShardBytes = (long)elements * 4 * 2 };
for (int i = 0; i < vars.Length; i++) checkpoint[$"v{i}"] = vars[i];
var manager = new CheckpointManager(checkpoint, dir, maxToKeep: 2);
var buffer = new float[elements];
for (long n = 1; ; n++)
{
    Array.Fill(buffer, n);
    var value = Tensor.From<float>(buffer, [elements]);
    foreach (var v in vars) v.Assign(value);
    manager.Save();
    Console.Out.WriteLine($"saved {checkpoint.SaveCounter}");
    Console.Out.Flush();
}
