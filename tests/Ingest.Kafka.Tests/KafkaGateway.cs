using System.Net;
using Ingest.Delivery.Kafka;
using Ingest.Host;
using Ingest.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Kafka.Tests;

/// <summary>The real gateway, in process, on 127.0.0.1 with an OS-chosen port, delivering into Kafka.</summary>
internal sealed class KafkaGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private KafkaGateway(WebApplication app)
    {
        _app = app;
        EndPoint = app.Services.GetRequiredService<SmtpListeners>().EndPoints.Single();
    }

    public IPEndPoint EndPoint { get; }

    public IServiceProvider Services => _app.Services;

    public KafkaSink Sink => _app.Services.GetRequiredService<KafkaSink>();

    /// <summary>Where /healthz, /readyz and /metrics answer.</summary>
    public Uri Management => new($"http://{_app.Services.GetRequiredService<ManagementListener>().EndPoint}");

    public static Task<KafkaGateway> StartAsync(string bootstrapServers, string defaultTopic, params string[] settings) =>
        StartAsync(bootstrapServers, defaultTopic, null, settings);

    /// <summary>With <paramref name="time"/> as the gateway's clock (delivery deadlines, session timeouts), when given.</summary>
    public static async Task<KafkaGateway> StartAsync(string bootstrapServers, string defaultTopic, TimeProvider? time, params string[] settings)
    {
        string[] args =
        [
            "--Ingest:Server:Endpoints:0=127.0.0.1:0",
            "--Ingest:Management:Endpoint=127.0.0.1:0",
            "--Ingest:Management:DrainDelay=00:00:00",
            "--Ingest:Smtp:HostName=gw.test",
            $"--Ingest:Kafka:BootstrapServers={bootstrapServers}",
            $"--Ingest:Kafka:DefaultTopic={defaultTopic}",
            "--Ingest:Kafka:InstanceName=gw-test",
            // A broker that comes back is found again quickly (librdkafka's default backoff grows to 10 s).
            "--Ingest:Kafka:Producer:reconnect.backoff.max.ms=500",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Select(setting => "--" + setting),
        ];
        var app = IngestApp.Build(args, time is null ? null : services => services.AddSingleton(time));
        await app.StartAsync();
        return new KafkaGateway(app);
    }

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
    }
}
