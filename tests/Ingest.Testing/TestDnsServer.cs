using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace Ingest.Testing;

/// <summary>
/// A real DNS server on 127.0.0.1 (ARSoft.Tools.Net's, in process, UDP and TCP on a port picked
/// from the free ones), serving test zones set per test: TXT, A, AAAA, MX and PTR records, names
/// that answer SERVFAIL and names that never answer. Every other name is NXDOMAIN. Queries are
/// counted per name, so tests can see the cache and the lookup limits at work.
/// </summary>
public sealed class TestDnsServer : IDisposable
{
    private readonly ConcurrentDictionary<(string Name, RecordType Type), List<DnsRecordBase>> _records = new();
    private readonly ConcurrentDictionary<string, byte> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _failing = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _silent = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _queries = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();
    private readonly DnsServer _server;

    public TestDnsServer()
    {
        // Port 0 cannot be asked of this server for UDP and TCP at once: take a port the system
        // just gave out and retry on the rare collision.
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            var server = new DnsServer(new UdpServerTransport(new IPEndPoint(IPAddress.Loopback, Port)), new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, Port)));
            server.QueryReceived += OnQueryAsync;
            try
            {
                server.Start();
                _server = server;
                break;
            }
            catch (SocketException) when (attempt < 10)
            {
                server.Stop();
            }
        }
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public int QueriesFor(string name) => _queries.TryGetValue(name.TrimEnd('.'), out var count) ? count : 0;

    public void Txt(string name, params string[] texts)
    {
        foreach (var text in texts)
        {
            // Strings of at most 255 octets (RFC 1035 3.3.14); the reader joins them.
            var parts = text.Chunk(255).Select(chunk => new string(chunk)).ToList();
            Add(name, RecordType.Txt, new TxtRecord(DomainName.Parse(name), 300, parts.Count == 0 ? [""] : parts));
        }
    }

    public void A(string name, params string[] addresses)
    {
        foreach (var address in addresses)
        {
            var ip = IPAddress.Parse(address);
            Add(name, ip.AddressFamily == AddressFamily.InterNetwork ? RecordType.A : RecordType.Aaaa,
                ip.AddressFamily == AddressFamily.InterNetwork ? new ARecord(DomainName.Parse(name), 300, ip) : new AaaaRecord(DomainName.Parse(name), 300, ip));
        }
    }

    public void Mx(string name, params string[] exchanges)
    {
        ushort preference = 10;
        foreach (var exchange in exchanges)
        {
            Add(name, RecordType.Mx, new MxRecord(DomainName.Parse(name), 300, preference++, DomainName.Parse(exchange)));
        }
    }

    public void Ptr(IPAddress address, params string[] names)
    {
        var reverse = ReverseName(address);
        foreach (var name in names)
        {
            Add(reverse, RecordType.Ptr, new PtrRecord(DomainName.Parse(reverse), 300, DomainName.Parse(name)));
        }
    }

    /// <summary>The name exists (NOERROR) but holds nothing asked for.</summary>
    public void Exists(string name) => _names[name] = 0;

    public void ServerFailure(string name) => _failing[name] = 0;

    public void NoAnswer(string name) => _silent[name] = 0;

    private void Add(string name, RecordType type, DnsRecordBase record)
    {
        _names[name] = 0;
        _records.GetOrAdd((name.ToLowerInvariant(), type), _ => []).Add(record);
    }

    private async Task OnQueryAsync(object sender, QueryReceivedEventArgs e)
    {
        if (e.Query is not DnsMessage query || query.Questions.Count != 1)
        {
            return;
        }

        var question = query.Questions[0];
        var name = question.Name.ToString().TrimEnd('.');
        _queries.AddOrUpdate(name, 1, (_, count) => count + 1);
        if (_silent.ContainsKey(name))
        {
            // No response at all, until the server stops: the client times out. (Returning without
            // a response would make this server answer SERVFAIL itself.)
            try
            {
                await Task.Delay(Timeout.Infinite, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        var response = query.CreateResponseInstance();
        if (_failing.ContainsKey(name))
        {
            response.ReturnCode = ReturnCode.ServerFailure;
        }
        else if (_records.TryGetValue((name.ToLowerInvariant(), question.RecordType), out var records))
        {
            response.ReturnCode = ReturnCode.NoError;
            response.AnswerRecords.AddRange(records);
        }
        else
        {
            response.ReturnCode = _names.ContainsKey(name) ? ReturnCode.NoError : ReturnCode.NxDomain;
        }

        e.Response = response;
    }

    /// <summary>in-addr.arpa or ip6.arpa name of an address (RFC 1035 3.5, RFC 3596 2.5).</summary>
    public static string ReverseName(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var builder = new StringBuilder();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                builder.Append(bytes[i]).Append('.');
            }

            return builder.Append("in-addr.arpa").ToString();
        }

        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            builder.Append("0123456789abcdef"[bytes[i] & 0xf]).Append('.').Append("0123456789abcdef"[bytes[i] >> 4]).Append('.');
        }

        return builder.Append("ip6.arpa").ToString();
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _server.Stop();
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(inner => inner is OperationCanceledException))
        {
            // ARSoft's Stop reports its own listeners' cancellation as a failure; they are stopped.
        }
    }
}
