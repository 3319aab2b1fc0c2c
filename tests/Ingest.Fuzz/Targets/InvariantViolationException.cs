namespace Ingest.Fuzz.Targets;

/// <summary>
/// A broken invariant. Any exception escaping a target is a crash to AFL; this one says the parser
/// returned without throwing but said something impossible.
/// </summary>
internal sealed class InvariantViolationException(string message) : Exception(message);
