namespace LayerGen.SourceGeneration;

/// <summary>
/// The ids of LayerGen's diagnostics (reported by the analyzers, never by the generators). Stable: an id
/// is never reused for another rule. Each has a page <c>docs/diagnostics/{id}.md</c>.
/// </summary>
internal static class DiagnosticIds
{
    public const string VariableOutsideBuild = "LG0001";
    public const string NotPartial = "LG0002";
    public const string ParameterNotKept = "LG0003";
    public const string ParameterNotConfigurable = "LG0004";
    public const string InvalidCall = "LG0005";
    public const string BuildMismatch = "LG0006";
    public const string UntrackableMember = "LG0007";
    public const string DirectCall = "LG0008";
    public const string AddWeightOutsideBuild = "LG0009";
    public const string NotAClass = "LG0010";
    public const string WrongBase = "LG0011";
    public const string ModuleAndLayer = "LG0012";
    public const string NoConfigConstructor = "LG0013";
    /// <summary>Not an analyzer: the MSBuild warning of buildTransitive/LayerGen.targets (NativeAOT without IlcInstructionSet). Reserved here so no analyzer takes it.</summary>
    public const string AotWithoutInstructionSet = "LG0014";
    public const string UnmarkedLayer = "LG0015";
}
