namespace LayerGen.Modules;

/// <summary>
/// Receives a module's direct members. The generated <see cref="Module.VisitMembers"/> calls it once
/// per tracked variable and submodule, in declaration order, with the member's path relative to the
/// module (<c>w</c>, <c>layers/0</c>, <c>blocks/encoder</c>).
/// </summary>
public interface IModuleVisitor
{
    /// <summary>A variable held directly by the module (null members are skipped by the caller).</summary>
    void Variable(string path, Variable variable);

    /// <summary>A submodule held directly by the module.</summary>
    void Module(string path, Module module);
}
