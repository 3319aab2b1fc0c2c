namespace Ingest.Fuzz.Targets;

internal static class Invariant
{
    public static void That(bool condition, string broken)
    {
        if (!condition)
        {
            throw new InvariantViolationException(broken);
        }
    }
}
