using System.Text;
using Ingest.Session;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Policy.Tests;

/// <summary>The recipient file, its reloading, and the RCPT decision built on it.</summary>
public sealed class RecipientTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();

    private static RecipientFile Parse(string content)
    {
        var errors = new List<string>();
        Assert.True(RecipientFile.TryParse(content, out var file, errors), string.Join("\n", errors));
        return file;
    }

    private static bool Has(RecipientFile file, string address)
    {
        var at = address.LastIndexOf('@');
        return file.Contains(address.AsSpan(0, at), address.AsSpan(at + 1));
    }

    [Fact]
    public void EntriesMatchAddressesDomainsSubdomainsAndPrefixes()
    {
        var file = Parse("# staff\nalice@example.com\n*@catchall.example\n*@*.example.org  # every subdomain\nbob+*@example.com\n\n");
        Assert.Equal(4, file.Count);
        Assert.True(Has(file, "alice@example.com"));
        Assert.True(Has(file, "ALICE@Example.COM"));
        Assert.False(Has(file, "alicia@example.com"));
        Assert.True(Has(file, "anyone@catchall.example"));
        Assert.True(Has(file, "x@a.example.org"));
        Assert.True(Has(file, "x@b.a.example.org"));
        Assert.False(Has(file, "x@example.org"));
        Assert.True(Has(file, "bob+lists@example.com"));
        Assert.False(Has(file, "bob@example.com"));
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("a b@example.com")]
    [InlineData("alice@*.example.com")]
    [InlineData("a*b@example.com")]
    [InlineData("alice@exa mple")]
    [InlineData("@example.com")]
    public void BadLinesAreNamedByNumber(string line)
    {
        var errors = new List<string>();
        Assert.False(RecipientFile.TryParse("ok@example.com\n" + line + "\n", out _, errors));
        Assert.StartsWith("line 2:", Assert.Single(errors), StringComparison.Ordinal);
    }

    private RecipientPolicy Policy(string content, IRecipientDirectory? directory = null, params string[] domains)
    {
        var path = _directory.File("recipients");
        File.WriteAllText(path, content);
        Assert.True(RecipientFileSource.TryCreate(path, _time, NullLogger.Instance, out var source, out var errors), string.Join("\n", errors));
        return new RecipientPolicy(new AcceptedDomains(domains.Length == 0 ? ["example.com"] : domains), source, directory);
    }

    [Fact]
    public void KnownRecipientsPassUnknownOnesAreRefusedAndForeignDomainsAreRelay()
    {
        var policy = Policy("alice@example.com\n");
        Assert.Equal(RecipientVerdict.Accepted, policy.Check("alice@example.com"u8, false));
        Assert.Equal(RecipientVerdict.UnknownRecipient, policy.Check("mallory@example.com"u8, false));
        Assert.Equal(RecipientVerdict.UnknownRecipient, policy.Check("mallory@example.com"u8, true));
        Assert.Equal(RecipientVerdict.RelayDenied, policy.Check("bob@elsewhere.test"u8, false));
        Assert.Equal(RecipientVerdict.Accepted, policy.Check("bob@elsewhere.test"u8, true));
        // RFC 5321 4.1.1.3 and 4.5.1.
        Assert.Equal(RecipientVerdict.Accepted, policy.Check("Postmaster"u8, false));
        Assert.Equal(RecipientVerdict.Accepted, policy.Check("postmaster@example.com"u8, false));
    }

    [Fact]
    public async Task TheDirectoryIsAskedForWhatTheFileDoesNotList()
    {
        var directory = new Directory(("carol@example.com", RecipientVerdict.Accepted), ("down@example.com", RecipientVerdict.TemporaryFailure));
        var policy = Policy("alice@example.com\n", directory);
        Assert.Equal(RecipientVerdict.Accepted, policy.Check("alice@example.com"u8, false));
        Assert.Equal(RecipientVerdict.Lookup, policy.Check("carol@example.com"u8, false));
        Assert.Equal(RecipientVerdict.Accepted, await policy.CheckAsync("carol@example.com", false, default));
        Assert.Equal(RecipientVerdict.UnknownRecipient, await policy.CheckAsync("dave@example.com", false, default));
        Assert.Equal(RecipientVerdict.TemporaryFailure, await policy.CheckAsync("down@example.com", false, default));
        Assert.DoesNotContain("alice@example.com", directory.Asked);
    }

    [Fact]
    public void AChangedFileIsReloadedAndABrokenOneKeepsTheOldEntries()
    {
        var path = _directory.File("recipients");
        File.WriteAllText(path, "alice@example.com\n");
        Assert.True(RecipientFileSource.TryCreate(path, _time, NullLogger.Instance, out var source, out _));
        using (source)
        {
            File.WriteAllText(path, "alice@example.com\nbob@example.com\n");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(Has(source.Current, "bob@example.com"));

            File.WriteAllText(path, "not an entry\n");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(2));
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(Has(source.Current, "bob@example.com"));
        }
    }

    [Fact]
    public void CheckingAllocatesNothing()
    {
        var policy = Policy("alice@example.com\n*@*.example.com\n");
        var mailbox = Encoding.UTF8.GetBytes("someone@deep.sub.example.com");
        policy.Check(mailbox, false);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            policy.Check(mailbox, false);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    public void Dispose() => _directory.Dispose();

    private sealed class Directory(params (string Mailbox, RecipientVerdict Verdict)[] entries) : IRecipientDirectory
    {
        public List<string> Asked { get; } = [];

        public ValueTask<RecipientVerdict> LookUpAsync(string mailbox, CancellationToken cancellationToken)
        {
            Asked.Add(mailbox);
            return ValueTask.FromResult(entries.FirstOrDefault(e => e.Mailbox == mailbox) is { Mailbox: not null } found ? found.Verdict : RecipientVerdict.UnknownRecipient);
        }
    }
}
