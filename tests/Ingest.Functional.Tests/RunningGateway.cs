using System.Net;
using Ingest.Host;
using Ingest.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Functional.Tests;

/// <summary>The real gateway, in process, on 127.0.0.1 with a port the OS picked, delivering to a temporary Maildir.</summary>
internal sealed class RunningGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private RunningGateway(WebApplication app, string maildir)
    {
        _app = app;
        Maildir = maildir;
        // The first configured endpoint (Ingest:Server:Endpoints:0); tests that add more find them in SmtpListeners.
        EndPoint = app.Services.GetRequiredService<SmtpListeners>().EndPoints[0];
    }

    public string Maildir { get; }

    public IPEndPoint EndPoint { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningGateway> StartAsync(IEnumerable<string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var maildir = Path.Combine(Path.GetTempPath(), "ingest-functional-" + Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--Ingest:Server:Endpoints:0=127.0.0.1:0",
            "--Ingest:Management:Endpoint=127.0.0.1:0",
            "--Ingest:Management:DrainDelay=00:00:00",
            "--Ingest:Smtp:HostName=gw.test",
            $"--Ingest:Maildir:Path={maildir}",
            "--Logging:LogLevel:Default=Warning",
            .. (settings ?? []).Select(setting => "--" + setting),
        ];
        var app = IngestApp.Build(args, services);
        await app.StartAsync();
        return new RunningGateway(app, maildir);
    }

    public string[] DeliveredFiles() => Directory.GetFiles(Path.Combine(Maildir, "new"));

    public Task StopAsync()
    {
        _stopped = true;
        return _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
        if (Directory.Exists(Maildir))
        {
            Directory.Delete(Maildir, recursive: true);
        }
    }
}
