using System.Net;

namespace Ingest.Session.Tests;

/// <summary>A resolver that answers what the test says, or never answers.</summary>
internal sealed class FakeReverseDns(string? answer, bool hang = false) : IReverseDns
{
    public List<IPAddress> Asked { get; } = [];

    public Task<string?> LookUpAsync(IPAddress address, CancellationToken cancellationToken)
    {
        lock (Asked)
        {
            Asked.Add(address);
        }

        return hang ? new TaskCompletionSource<string?>().Task : Task.FromResult(answer);
    }
}
