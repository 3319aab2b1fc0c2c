using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Transport;

/// <summary>
/// The HTTP endpoint for health, readiness and metrics: a plain Kestrel HTTP/1.1 listener on the
/// same host, separate from the SMTP ports. After start-up it carries the port actually bound.
/// </summary>
public sealed class ManagementListener
{
    private ListenOptions? _listener;

    public IPEndPoint? EndPoint => _listener?.IPEndPoint;

    /// <summary>Listens for HTTP on <paramref name="endpoint"/>; null leaves the management endpoint off.</summary>
    public static IServiceCollection AddManagementListener(IServiceCollection services, Func<IServiceProvider, IPEndPoint?> endpoint)
    {
        services.AddSingleton<ManagementListener>();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IServiceProvider>((kestrel, provider) =>
            {
                if (endpoint(provider) is { } address)
                {
                    var management = provider.GetRequiredService<ManagementListener>();
                    kestrel.Listen(address, listener =>
                    {
                        listener.Protocols = HttpProtocols.Http1;
                        management._listener = listener;
                    });
                }
            });
        return services;
    }
}
