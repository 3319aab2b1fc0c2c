using Xunit;

namespace Ingest.Testing;

/// <summary>A fact that runs a private Dovecot: skipped, with the reason and the install command, where it is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DovecotFactAttribute : FactAttribute
{
    public DovecotFactAttribute()
    {
        Skip = RequiredTool.Dovecot.SkipReason();
    }
}
