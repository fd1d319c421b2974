namespace LayerGen.Generators.Models;

/// <summary>
/// One <c>[Layer]</c> class in the assembly's registration list: its registered name, the
/// <c>global::</c>-qualified class whose generated <c>FromConfig</c> builds it, and its <c>Call</c>'s signature when
/// the runtime replays its recorded calls.
/// </summary>
/// <param name="RegisteredName"><c>{Package}&gt;{ClassName}</c>.</param>
/// <param name="TypeName">The class, <c>global::</c>-qualified (reachable from a top-level class: not generic, not private).</param>
/// <param name="CallSignature">
/// The named arguments of the runtime's <c>CallSignature</c> (<see cref="LayerModel.CallSignature"/>),
/// or null when the class's generated part writes <c>InvokeRecorded</c>.
/// </param>
internal sealed record LayerRegistration(string RegisteredName, string TypeName, string? CallSignature = null);
