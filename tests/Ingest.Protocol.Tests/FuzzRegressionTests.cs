using Ingest.Fuzz.Targets;

namespace Ingest.Protocol.Tests;

/// <summary>
/// Replays every fuzz seed and every kept finding (tests/fuzz/seeds, tests/fuzz/regressions) through
/// the same targets AFL runs, one test case per file: what the fuzzer once found stays found
/// without AFL, and a change that breaks an invariant on a known input fails here first.
/// </summary>
public class FuzzRegressionTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fuzz");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "seeds", "regressions" })
        {
            foreach (var target in FuzzTargets.All.Keys)
            {
                var folder = Path.Combine(Root, kind, target);
                if (!Directory.Exists(folder))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                {
                    data.Add(target, Path.GetRelativePath(Root, file).Replace('\\', '/'));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void FuzzInputKeepsTheInvariantsOfItsTarget(string target, string file) =>
        FuzzTargets.All[target](File.ReadAllBytes(Path.Combine(Root, file)));

    // Guards the copy to the output folder: with no files the theory above would pass vacuously.
    [Fact]
    public void EveryTargetHasSeedsToReplay()
    {
        foreach (var target in FuzzTargets.All.Keys)
        {
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(Root, "seeds", target)));
        }
    }
}
