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
        services.TryAddSingleton(provider => new TlsMetrics(provider.GetRequiredService<SmtpSessionFactory>().Metrics.Meter));
        services.TryAddSingleton(provider => new ConnectionMetrics(provider.GetRequiredService<SmtpSessionFactory>().Metrics.Meter));
        // The certificates are loaded (and validated) once at start-up, then each reloaded on change.
        services.TryAddSingleton(provider =>
        {
            var tls = provider.GetRequiredService<IOptions<ServerOptions>>().Value.Tls;
            if (!tls.Enabled)
            {
                return new TlsEndpoints(null);
            }

            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Ingest.Transport.Tls");
            var errors = new List<string>();
            var certificates = ServerCertificates.Load(tls, logger, errors)
                ?? throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", errors));
            return new TlsEndpoints(new TlsHandshake(certificates, tls, provider.GetRequiredService<TimeProvider>(), logger, provider.GetRequiredService<TlsMetrics>()));
        });
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ServerOptions>, SmtpListeners, TimeProvider, ILoggerFactory, IServiceProvider>((kestrel, server, listeners, time, loggers, provider) =>
            {
                var proxyMetrics = provider.GetRequiredService<ProxyProtocolMetrics>();
                var tlsEndpoints = provider.GetRequiredService<TlsEndpoints>();
                var tls = server.Value.Tls;
                var implicitTls = tls.ImplicitEndpoints.Select(IPEndPoint.Parse).ToHashSet();
                var requireTls = tls.RequiredEndpoints.Select(IPEndPoint.Parse).ToHashSet();
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
                        // Which endpoint this is, for the handler: PROXY may rewrite the local address.
                        var handshake = tlsEndpoints.Handshake;
                        var tlsRequired = requireTls.Contains(endpoint);
                        listener.Use(next => connection =>
                        {
                            connection.Features.Set(new SmtpEndpointFeature(handshake, tlsRequired));
                            return next(connection);
                        });
                        // Then, before anything reads: the PROXY header precedes every other byte, TLS included;
                        // admission counts the address it carries; the implicit TLS handshake comes last.
                        if (proxied.Contains(endpoint))
                        {
                            listener.Use(next => new ProxyProtocolMiddleware(next, trusted, proxy.HeaderTimeout, time, proxyLogger, proxyMetrics).OnConnectionAsync);
                        }

                        listener.Use(next => new AdmissionMiddleware(
                            next,
                            provider.GetRequiredService<ConnectionLimiter>(),
                            provider.GetRequiredService<ConnectionRateLimiter>(),
                            provider.GetRequiredService<ConnectionMetrics>(),
                            implicitTls.Contains(endpoint)).OnConnectionAsync);
                        if (implicitTls.Contains(endpoint))
                        {
                            listener.Use(next => new ImplicitTlsMiddleware(next, tlsEndpoints.Handshake!).OnConnectionAsync);
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
