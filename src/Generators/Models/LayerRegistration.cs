namespace LayerGen.Generators.Models;

/// <summary>
/// One <c>[Layer]</c> class in the assembly's registration list: its registered name and the
/// <c>global::</c>-qualified class whose generated <c>FromConfig</c> builds it.
/// </summary>
/// <param name="RegisteredName"><c>{Package}&gt;{ClassName}</c>.</param>
/// <param name="TypeName">The class, <c>global::</c>-qualified (reachable from a top-level class: not generic, not private).</param>
internal sealed record LayerRegistration(string RegisteredName, string TypeName);
