using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Transport;

public static class TransportServiceCollectionExtensions
{
    /// <summary>Registers the SMTP transport and points Kestrel's endpoints at the SMTP handler.</summary>
    public static IServiceCollection AddSmtpTransport(this IServiceCollection services)
    {
        services.AddSingleton<ConnectionLimiter>(provider => new ConnectionLimiter(provider.GetRequiredService<IOptions<ServerOptions>>().Value));
        services.AddSingleton<SmtpListeners>();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ServerOptions>, SmtpListeners>((kestrel, server, listeners) =>
            {
                var endpoints = server.Value.Endpoints.Count > 0 ? server.Value.Endpoints : ServerOptions.DefaultEndpoints;
                foreach (var endpoint in endpoints)
                {
                    kestrel.Listen(IPEndPoint.Parse(endpoint), listener =>
                    {
                        listeners.Add(listener);
                        listener.UseConnectionHandler<SmtpConnectionHandler>();
                    });
                }
            });
        services.AddOptions<SocketTransportOptions>()
            .Configure<IOptions<ServerOptions>>((sockets, server) => sockets.UnsafePreferInlineScheduling = server.Value.InlineScheduling);
        return services;
    }
}
