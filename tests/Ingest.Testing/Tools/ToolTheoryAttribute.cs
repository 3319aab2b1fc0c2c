using System.Runtime.CompilerServices;
using Xunit;
using Xunit.Sdk;

namespace Ingest.Testing;

/// <summary>The <see cref="ToolFactAttribute"/> of theories: <c>[ToolTheory("dovecot")]</c>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
[TraitDiscoverer("Ingest.Testing.ToolTraitDiscoverer", "Ingest.Testing")]
public sealed class ToolTheoryAttribute : TheoryAttribute, ITraitAttribute
{
    public ToolTheoryAttribute(string tools, [CallerMemberName] string test = "")
    {
        Tools = ToolSkip.Names(tools);
        Skip = ToolSkip.Reason(Tools);
        DisplayName = ToolSkip.DisplayName(test, Skip);
    }

    public IReadOnlyList<string> Tools { get; }
}
