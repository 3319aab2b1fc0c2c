using System.Text;

namespace Ingest.Session.Tests;

/// <summary>A live reload replaces the factory's policy: sessions made afterwards take it, a session already open keeps its own.</summary>
public sealed class SessionPolicyUpdateTests
{
    [Fact]
    public async Task AnUpdateReachesLaterSessionsButNotOneAlreadyOpen()
    {
        await using var session = new SessionHarness(options => { options.MaxMessageSize = 10_000; options.MaxRecipients = 1; });
        await session.ReadGreetingAsync();

        session.Factory.Update(new SmtpOptions { HostName = "renamed.example", MaxMessageSize = 20_000, MaxRecipients = 5 }, new AuthOptions(), authenticator: null, recipients: null);

        await session.SendAsync("EHLO c.example\r\n");
        Assert.Contains("250-SIZE 10000\n", await session.ReadReplyAsync());
        await session.SendAsync("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com>\r\n");
        Assert.StartsWith("250", await session.ReadReplyAsync());
        Assert.StartsWith("250", await session.ReadReplyAsync());
        Assert.StartsWith("452 4.5.3", await session.ReadReplyAsync());

        // A session made now: the new size and limit, and still the host name fixed at start-up.
        var next = Encoding.ASCII.GetString(session.Factory.Policy.Replies.Ehlo(startTls: false, auth: false, requireTls: false));
        Assert.StartsWith("250-gw.example\r\n", next);
        Assert.Contains("250-SIZE 20000\r\n", next);
        Assert.Equal(5, session.Factory.Options.MaxRecipients);
    }
}
