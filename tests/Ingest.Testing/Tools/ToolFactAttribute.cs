using System.Runtime.CompilerServices;
using Xunit;
using Xunit.Sdk;

namespace Ingest.Testing;

/// <summary>
/// A test that needs a program from outside .NET: <c>[ToolFact("haproxy")]</c>, or several,
/// comma-separated (<c>[ToolFact("dovecot,swaks")]</c>); the names are those of
/// <see cref="ExternalTool"/>. Where a tool is missing the test is reported as skipped, and its
/// display name carries the reason and the install command, so even dotnet test's shortest output
/// says what to install. With INGEST_REQUIRE_TOOLS=1 (as .ci/run sets) it runs anyway, and the
/// test's own <see cref="ExternalTool.Require"/> fails it. Each test also carries the trait
/// Requires=NAME per tool: <c>dotnet test --filter Requires=haproxy</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
[TraitDiscoverer("Ingest.Testing.ToolTraitDiscoverer", "Ingest.Testing")]
public sealed class ToolFactAttribute : FactAttribute, ITraitAttribute
{
    public ToolFactAttribute(string tools, [CallerMemberName] string test = "")
    {
        Tools = ToolSkip.Names(tools);
        Skip = ToolSkip.Reason(Tools);
        DisplayName = ToolSkip.DisplayName(test, Skip);
    }

    public IReadOnlyList<string> Tools { get; }
}
