using Ingest.Delivery;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>The verdicts of a message and the policy's decision on them (<see cref="Rejection.None"/>: deliver).</summary>
public readonly record struct VerificationOutcome(Rejection Rejection, AuthenticationVerdicts? Verdicts);
