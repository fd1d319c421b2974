using LayerGen.Formats.Keras;

namespace LayerGen.Formats;

/// <summary>
/// A group of the HDF5 tree <see cref="Hdf5Writer"/> writes: its members in order (each a <see cref="Hdf5Node"/> or a
/// <see cref="StoredArray"/> dataset) and an optional string <c>name</c> attribute, as Keras's <c>vars</c> groups have.
/// </summary>
internal sealed class Hdf5Node
{
    /// <summary>The group's <c>name</c> attribute (a variable-length UTF-8 string, as h5py writes it), or null.</summary>
    public string? NameAttribute { get; set; }

    /// <summary>The members, in the order they were added.</summary>
    public List<KeyValuePair<string, object>> Members { get; } = [];

    /// <summary>The member group <paramref name="name"/>, created when missing.</summary>
    public Hdf5Node Group(string name)
    {
        foreach (var (n, member) in Members)
            if (n == name)
                return member as Hdf5Node ?? throw new InvalidOperationException($"'{name}' is a dataset, not a group.");
        var group = new Hdf5Node();
        Members.Add(new(name, group));
        return group;
    }
}
