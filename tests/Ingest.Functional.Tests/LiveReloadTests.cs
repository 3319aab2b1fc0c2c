using System.Text;
using System.Text.Json.Nodes;
using Ingest.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Functional.Tests;

/// <summary>
/// Policy changed in the configuration file of a running gateway: new sessions take it, open
/// ones keep what they started with, a bad change is refused with its key and changes nothing.
/// </summary>
public sealed class LiveReloadTests : IDisposable
{
    // ReloadLog's event ids.
    private const int Reloaded = 130;
    private const int Refused = 131;
    private const int RestartNeeded = 132;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ingest-reload-" + Guid.NewGuid().ToString("N"));
    private readonly LogWatch _logs = new();

    public LiveReloadTests() => Directory.CreateDirectory(_directory);

    private string ConfigPath => Path.Combine(_directory, "ingest.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Writes the configuration file as deployment tools do: beside, then renamed over.</summary>
    private void WriteConfig(JsonObject ingest, string? sessionLogLevel = null)
    {
        var levels = new JsonObject { ["Ingest.Host.Configuration"] = "Information" };
        if (sessionLogLevel is not null)
        {
            levels["Ingest.Session"] = sessionLogLevel;
        }

        var root = new JsonObject
        {
            ["Ingest"] = ingest,
            ["Logging"] = new JsonObject { ["LogLevel"] = levels },
        };
        var temporary = ConfigPath + ".new";
        File.WriteAllText(temporary, root.ToJsonString());
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    private static JsonObject Smtp(params string[] domains) => new()
    {
        ["Smtp"] = new JsonObject { ["AcceptedDomains"] = new JsonArray([.. domains.Select(domain => (JsonNode)JsonValue.Create(domain))]) },
    };

    /// <summary>Rewrites the file and waits for the gateway's log line saying it took (or refused) the change.</summary>
    private async Task<string> ChangeConfigAsync(JsonObject ingest, int expectedEvent)
    {
        var logged = _logs.NextAsync(expectedEvent);
        WriteConfig(ingest);
        return await logged;
    }

    private Task<RunningGateway> StartAsync(params string[] settings) =>
        RunningGateway.StartAsync([$"Ingest:ConfigFile={ConfigPath}", .. settings], services => services.AddLogging(logging => logging.AddProvider(_logs)));

    private static async Task<RawSmtpClient> SessionAsync(RunningGateway gateway)
    {
        var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO c.test\r\nMAIL FROM:<a@example.org>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        return client;
    }

    private static async Task<string> RcptAsync(RawSmtpClient client, string address)
    {
        await client.SendAsync($"RCPT TO:<{address}>\r\n");
        return (await client.ReadReplyAsync())!;
    }

    [Fact]
    public async Task ANewAcceptedDomainTakesEffectForNewSessionsWhileAnOpenSessionKeepsTheOld()
    {
        WriteConfig(Smtp("old.test"));
        await using var gateway = await StartAsync();
        await using var open = await SessionAsync(gateway);
        Assert.StartsWith("250", await RcptAsync(open, "x@old.test"));
        Assert.StartsWith("550 5.7.1", await RcptAsync(open, "x@new.test"));

        var logged = await ChangeConfigAsync(Smtp("new.test"), Reloaded);
        Assert.Contains("Ingest:Smtp:AcceptedDomains:0", logged);

        await using var fresh = await SessionAsync(gateway);
        Assert.StartsWith("250", await RcptAsync(fresh, "y@new.test"));
        Assert.StartsWith("550 5.7.1", await RcptAsync(fresh, "y@old.test"));
        // The session opened before the change keeps the domains it started with.
        Assert.StartsWith("250", await RcptAsync(open, "z@old.test"));
        Assert.StartsWith("550 5.7.1", await RcptAsync(open, "z@new.test"));
    }

    public static TheoryData<string, string> BadChanges() => new()
    {
        { """{ "Smtp": { "AcceptedDomains": [ "new.test", "not a domain" ] } }""", "Ingest:Smtp:AcceptedDomains:1:" },
        { """{ "Smtp": { "AcceptedDomains": [ "new.test" ], "MaxRecipients": "many" } }""", "'Ingest:Smtp:MaxRecipients'" },
        { """{ "Smtp": { "AcceptedDomains": [ "new.test" ], "MaxRecipientz": 5 } }""", "MaxRecipientz" },
        { """{ "Smtp": { "AcceptedDomains": [ "new.test" ] }, "Server": { "MaxConnections": 0 } }""", "Ingest:Server:MaxConnections:" },
        { """{ "Smtp": { "AcceptedDomains": [ "new.test" ] }, "Recipients": { "File": "/nonexistent/recipients" } }""", "Ingest:Recipients:File:" },
        { """{ "Smtp": { "AcceptedDomains": [ "new.test" ] }, "Auth": { "MaxFailuresPerSession": 0 } }""", "Ingest:Auth:MaxFailuresPerSession:" },
    };

    [Theory]
    [MemberData(nameof(BadChanges))]
    public async Task ABadChangeIsRefusedNamingTheKeyAndTheOldValuesStay(string ingest, string key)
    {
        WriteConfig(Smtp("old.test"));
        await using var gateway = await StartAsync();

        var logged = await ChangeConfigAsync((JsonObject)JsonNode.Parse(ingest)!, Refused);
        Assert.Contains(key, logged);
        Assert.StartsWith("Configuration change refused; the previous values stay in force", logged);

        await using var session = await SessionAsync(gateway);
        Assert.StartsWith("250", await RcptAsync(session, "x@old.test"));
        Assert.StartsWith("550 5.7.1", await RcptAsync(session, "x@new.test"));
        Assert.Empty(_logs.Messages(Reloaded));

        // Fixed, the same change goes through.
        await ChangeConfigAsync(Smtp("new.test"), Reloaded);
        await using var fresh = await SessionAsync(gateway);
        Assert.StartsWith("250", await RcptAsync(fresh, "x@new.test"));
    }

    [Fact]
    public async Task ALowerPerClientConnectionLimitAppliesToTheNextConnection()
    {
        WriteConfig(Smtp("old.test"));
        await using var gateway = await StartAsync();
        await using var first = await SessionAsync(gateway);
        await using (var second = await SessionAsync(gateway))
        {
        }

        var limited = Smtp("old.test");
        limited["Server"] = new JsonObject { ["MaxConnectionsPerClient"] = 1 };
        await ChangeConfigAsync(limited, Reloaded);
        await using var third = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await third.ExpectAsync("421 4.7.0");
        // The connection already open is not cut.
        Assert.StartsWith("250", await RcptAsync(first, "x@old.test"));
    }

    [Fact]
    public async Task AuthWithoutTlsTurnedOnIsOfferedToNewSessionsOnly()
    {
        var users = Path.Combine(_directory, "users");
        await File.WriteAllTextAsync(users, "alice:" + PasswordHash.Hash(Encoding.UTF8.GetBytes("secret"), PasswordHash.MinimumIterations) + "\n");
        JsonObject Config(bool allowWithoutTls)
        {
            var config = Smtp("old.test");
            config["Auth"] = new JsonObject { ["PasswordFile"] = users, ["AllowWithoutTls"] = allowWithoutTls };
            return config;
        }

        WriteConfig(Config(allowWithoutTls: false));
        await using var gateway = await StartAsync();
        await using var open = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await open.ExpectAsync("220");

        await ChangeConfigAsync(Config(allowWithoutTls: true), Reloaded);
        await using var fresh = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await fresh.ExpectAsync("220");
        await fresh.SendAsync("EHLO c.test\r\n");
        Assert.Contains("AUTH PLAIN LOGIN", await fresh.ExpectAsync("250"));
        await open.SendAsync("EHLO c.test\r\n");
        Assert.DoesNotContain("AUTH", await open.ExpectAsync("250"));
    }

    [Fact]
    public async Task AKeyThatNeedsARestartIsLoggedAndTheLiveOnesBesideItStillApply()
    {
        WriteConfig(Smtp("old.test"));
        await using var gateway = await StartAsync();
        var restart = _logs.NextAsync(RestartNeeded);
        var changed = Smtp("new.test");
        changed["Server"] = new JsonObject { ["ShutdownTimeout"] = "00:00:05" };
        await ChangeConfigAsync(changed, Reloaded);
        Assert.Contains("Ingest:Server:ShutdownTimeout", await restart);
        await using var fresh = await SessionAsync(gateway);
        Assert.StartsWith("250", await RcptAsync(fresh, "x@new.test"));
    }

    [Fact]
    public void AMissingConfigFileStopsStartUpNamingTheKey()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Ingest.Host.IngestApp.Build(["--Ingest:ConfigFile=" + ConfigPath]));
        Assert.Contains("Ingest:ConfigFile: file '" + ConfigPath + "' does not exist.", exception.Message);
    }

    [Fact]
    public async Task ALogLevelChangeTakesEffectWithoutARestart()
    {
        WriteConfig(Smtp("old.test"), sessionLogLevel: "Warning");
        await using var gateway = await StartAsync();
        var logger = gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ingest.Session");
        Assert.False(logger.IsEnabled(LogLevel.Information));

        // The logging configuration's own change notification: the logger factory, registered
        // first, has applied the new levels by the time this one runs.
        var filters = gateway.Services.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>();
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (filters.OnChange(_ => applied.TrySetResult()))
        {
            WriteConfig(Smtp("old.test"), sessionLogLevel: "Information");
            await applied.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.True(logger.IsEnabled(LogLevel.Information));
    }
}
