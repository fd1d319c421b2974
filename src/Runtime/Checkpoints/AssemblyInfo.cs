using System.Runtime.CompilerServices;

// The checkpoint tests reach the write-stage hook and internal readers.
[assembly: InternalsVisibleTo("LayerGen.Checkpoints.Tests")]
