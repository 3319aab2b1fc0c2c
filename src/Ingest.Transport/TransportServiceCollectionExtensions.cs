using System.Net;
using Ingest.Session;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Transport;

public static class TransportServiceCollectionExtensions
{
    /// <summary>Registers the SMTP transport and points Kestrel's endpoints at the SMTP handler.</summary>
    public static IServiceCollection AddSmtpTransport(this IServiceCollection services)
    {
        services.AddSingleton<ConnectionLimiter>(provider => new ConnectionLimiter(provider.GetRequiredService<IOptions<ServerOptions>>().Value));
        services.AddSingleton<SmtpListeners>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new ConnectionRateLimiter(
            provider.GetRequiredService<IOptions<ServerOptions>>().Value.MaxConnectionRatePerClient,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new ProxyProtocolMetrics(provider.GetRequiredService<SmtpSessionFactory>().Metrics.Meter));
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ServerOptions>, SmtpListeners, TimeProvider, ILoggerFactory, ProxyProtocolMetrics>((kestrel, server, listeners, time, loggers, proxyMetrics) =>
            {
                var endpoints = server.Value.Endpoints.Count > 0 ? server.Value.Endpoints : ServerOptions.DefaultEndpoints;
                var proxy = server.Value.ProxyProtocol;
                var proxied = proxy.Endpoints.Select(IPEndPoint.Parse).ToHashSet();
                var trusted = new TrustedProxies(proxy.TrustedNetworks);
                var proxyLogger = loggers.CreateLogger("Ingest.Transport.ProxyProtocol");
                foreach (var endpoint in endpoints.Select(IPEndPoint.Parse))
                {
                    kestrel.Listen(endpoint, listener =>
                    {
                        listeners.Add(listener);
                        // First in the chain: the PROXY header precedes every other byte, TLS included.
                        if (proxied.Contains(endpoint))
                        {
                            listener.Use(next => new ProxyProtocolMiddleware(next, trusted, proxy.HeaderTimeout, time, proxyLogger, proxyMetrics).OnConnectionAsync);
                        }

                        listener.UseConnectionHandler<SmtpConnectionHandler>();
                    });
                }
            });
        services.AddOptions<SocketTransportOptions>()
            .Configure<IOptions<ServerOptions>>((sockets, server) => sockets.UnsafePreferInlineScheduling = server.Value.InlineScheduling);
        return services;
    }
}
