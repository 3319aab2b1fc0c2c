using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ingest.Transport;

/// <summary>The SMTP endpoints Kestrel listens on; after start-up they carry the ports actually bound.</summary>
public sealed class SmtpListeners
{
    private readonly List<ListenOptions> _listeners = [];

    public IReadOnlyList<IPEndPoint> EndPoints =>
        _listeners.Select(listener => listener.IPEndPoint).OfType<IPEndPoint>().ToArray();

    internal void Add(ListenOptions listener) => _listeners.Add(listener);
}
