namespace LayerGen.Modules.Tests;

/// <summary>
/// The runtime half of the generated <c>VisitMembers</c> (issue 23): <see cref="TrackedMembers"/> walks a tracked
/// collection the way the generated loops did.
/// </summary>
public class TrackedMembersTests
{
    private sealed class Recorder : IModuleVisitor
    {
        public List<string> Calls { get; } = [];
        public void Variable(string path, Variable variable) => Calls.Add("v:" + path + "=" + variable.Name);
        public void Module(string path, Module module) => Calls.Add("m:" + path + "=" + module.Name);
    }

    [Fact]
    public void ListsReportEachNonNullElementUnderItsIndex()
    {
        var recorder = new Recorder();
        TrackedMembers.Variables(recorder, "w", new Variable?[] { new(1f, name: "a"), null, new(2f, name: "c") });
        TrackedMembers.Modules(recorder, "layers", new List<Leaf> { new("x") { Name = "first" }, new("y") { Name = "second" } });
        Assert.Equal(["v:w/0=a", "v:w/2=c", "m:layers/0=first", "m:layers/1=second"], recorder.Calls);
    }

    [Fact]
    public void DictionariesReportEachNonNullValueUnderItsKeyInEnumerationOrder()
    {
        var recorder = new Recorder();
        TrackedMembers.VariableDictionary(recorder, "named", new Dictionary<string, Variable?> { ["z"] = new(1f, name: "zz"), ["skip"] = null, ["a"] = new(2f, name: "aa") });
        TrackedMembers.ModuleDictionary<Leaf>(recorder, "blocks", new Dictionary<string, Leaf> { ["enc"] = new("e") { Name = "encoder" } });
        Assert.Equal(["v:named/z=zz", "v:named/a=aa", "m:blocks/enc=encoder"], recorder.Calls);
    }

    [Fact]
    public void NullCollectionsReportNothing()
    {
        var recorder = new Recorder();
        TrackedMembers.Variables(recorder, "w", null);
        TrackedMembers.Modules(recorder, "m", null);
        TrackedMembers.VariableDictionary<Variable>(recorder, "d", null);
        TrackedMembers.ModuleDictionary<Leaf>(recorder, "e", null);
        Assert.Empty(recorder.Calls);
        Assert.Throws<ArgumentNullException>(() => TrackedMembers.Variables(null!, "w", []));
    }
}
