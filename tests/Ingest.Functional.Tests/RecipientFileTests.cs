namespace Ingest.Functional.Tests;

/// <summary>Ingest:Recipients:File through the real gateway: unknown users refused at RCPT, and a bad file stops start-up.</summary>
public sealed class RecipientFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "ingest-recipients-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task UnknownRecipientsAreRefusedAtRcpt()
    {
        await File.WriteAllTextAsync(_path, "alice@example.com\n*@sales.example.com\n");
        await using var gateway = await RunningGateway.StartAsync(["Ingest:Smtp:AcceptedDomains:0=example.com", "Ingest:Smtp:AcceptedDomains:1=sales.example.com", $"Ingest:Recipients:File={_path}"]);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c.test\r\nMAIL FROM:<s@y.test>\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<eve@example.com>\r\nRCPT TO:<any@sales.example.com>\r\nRCPT TO:<x@elsewhere.test>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        Assert.Equal("550 5.1.1 Recipient address rejected: user unknown", await client.ExpectAsync("550"));
        await client.ExpectAsync("250 2.1.5");
        Assert.Equal("550 5.7.1 Relay access denied", await client.ExpectAsync("550"));
    }

    [Fact]
    public async Task ABadRecipientFileStopsStartUpNamingTheLine()
    {
        await File.WriteAllTextAsync(_path, "alice@example.com\nnot an address\n");
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => RunningGateway.StartAsync([$"Ingest:Recipients:File={_path}"]));
        Assert.Contains("Ingest:Recipients:File", failure.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_path);
}
