using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ingest.Testing;

/// <summary>Gives every <see cref="ToolFactAttribute"/> and <see cref="ToolTheoryAttribute"/> test the trait Requires=NAME per tool.</summary>
public sealed class ToolTraitDiscoverer : ITraitDiscoverer
{
    public const string Trait = "Requires";

    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        ArgumentNullException.ThrowIfNull(traitAttribute);
        var tools = traitAttribute.GetConstructorArguments().FirstOrDefault() as string ?? "";
        return ToolSkip.Names(tools).Select(tool => new KeyValuePair<string, string>(Trait, tool));
    }
}
