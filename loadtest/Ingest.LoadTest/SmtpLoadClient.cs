using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ingest.LoadTest;

/// <summary>
/// One SMTP connection over a raw socket: greeting, EHLO (and STARTTLS, or TLS from the first
/// byte, when asked), then messages by DATA or BDAT, with or without RFC 2920 pipelining, then QUIT.
/// </summary>
internal sealed class SmtpLoadClient : IAsyncDisposable
{
    public const string Sender = "loadtest@loadtest.example";
    public const string Recipient = "sink@ingest.example";

    private static readonly byte[] DataCommand = "DATA\r\n"u8.ToArray();
    private static readonly byte[] RsetCommand = "RSET\r\n"u8.ToArray();
    private static readonly byte[] QuitCommand = "QUIT\r\n"u8.ToArray();
    private static readonly byte[] EhloCommand = "EHLO loadtest.example\r\n"u8.ToArray();
    private static readonly byte[] StartTlsCommand = "STARTTLS\r\n"u8.ToArray();

    private const string QueuedAs = "queued as ";

    private readonly ReplyReader _replies;
    private readonly Socket _socket;
    private Stream _stream;

    private SmtpLoadClient(Socket socket)
    {
        _socket = socket;
        LocalPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _replies = new ReplyReader(_stream);
    }

    /// <summary>This connection's own port: what the gateway records as the client port (through PROXY protocol too).</summary>
    public int LocalPort { get; }

    public bool Pipelining { get; private set; }

    public bool Chunking { get; private set; }

    /// <summary>What the TLS handshake negotiated; null on a plaintext connection.</summary>
    public TlsSession? Tls { get; private set; }

    /// <summary>
    /// Connects, secures the connection as <paramref name="tls"/> says, reads the 220 greeting and
    /// sends EHLO; a refusal throws <see cref="SmtpReplyException"/>, a failed handshake
    /// <see cref="System.Security.Authentication.AuthenticationException"/> or <see cref="IOException"/>.
    /// </summary>
    public static async Task<SmtpLoadClient> ConnectAsync(IPEndPoint endPoint, ClientTls? tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SmtpLoadClient? client = null;
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            client = new SmtpLoadClient(socket);
            await client.StartAsync(tls, cancellationToken);
            return client;
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    public async Task<MessageOutcome> SendAsync(OutgoingMessage message, bool pipelining, bool bdat, CancellationToken cancellationToken)
    {
        var envelope = Envelope(message, bdat);
        var payload = bdat ? message.Content : DotStuffer.ToDataWire(message.Content);
        return pipelining
            ? await SendPipelinedAsync(envelope, payload, bdat, cancellationToken)
            : await SendOneByOneAsync(envelope, payload, bdat, cancellationToken);
    }

    /// <summary>
    /// After a refused message: whatever stage failed, RSET leaves no half transaction behind
    /// (RFC 5321 4.1.1.5). Separate from <see cref="SendAsync"/> so the refusal is recorded even
    /// when the connection fails right after it.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(RsetCommand, cancellationToken);
        await _replies.ReadAsync(cancellationToken);
    }

    /// <summary>
    /// Starts the message and walks away in the middle of its data, the way a client that crashes
    /// or loses its network does: the envelope, then <paramref name="fraction"/> of the payload,
    /// then a reset (no FIN, no QUIT). The connection is unusable afterwards.
    /// </summary>
    public async Task AbandonAsync(OutgoingMessage message, bool bdat, double fraction, CancellationToken cancellationToken)
    {
        var envelope = Envelope(message, bdat);
        var payload = bdat ? message.Content : DotStuffer.ToDataWire(message.Content);
        await WriteAsync([.. envelope[0], .. envelope[1], .. envelope[2]], cancellationToken);
        if (!bdat)
        {
            // DATA's 354 comes after MAIL's and RCPT's replies (RFC 2920 3.1).
            for (var i = 0; i < 3; i++)
            {
                if (await _replies.ReadAsync(cancellationToken) is not (250 or 354))
                {
                    break;
                }
            }
        }

        var cut = Math.Clamp((int)(payload.Length * fraction), 1, payload.Length - 1);
        await _stream.WriteAsync(payload.AsMemory(0, cut), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        _socket.LingerState = new LingerOption(true, 0);
        _stream.Dispose();
    }

    public async Task<int> QuitAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(QuitCommand, cancellationToken);
        return await _replies.ReadAsync(cancellationToken);
    }

    /// <summary>Sends QUIT without reading the reply: for a connection whose replies another task reads.</summary>
    public ValueTask WriteQuitAsync(CancellationToken cancellationToken) => WriteAsync(QuitCommand, cancellationToken);

    /// <summary>The next reply the server sends of its own accord, such as a 421 before it closes.</summary>
    public ValueTask<int> ReadReplyAsync(CancellationToken cancellationToken) => _replies.ReadAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The commands before the payload: MAIL, RCPT, and DATA or the one BDAT ... LAST.</summary>
    private static byte[][] Envelope(OutgoingMessage message, bool bdat)
    {
        var size = message.Content.Length.ToString(CultureInfo.InvariantCulture);
        // RFC 1870 SIZE always; RFC 6152 BODY=8BITMIME only for content that needs it.
        var mail = Encoding.ASCII.GetBytes($"MAIL FROM:<{Sender}> SIZE={size}{(message.EightBit ? " BODY=8BITMIME" : "")}\r\n");
        var rcpt = Encoding.ASCII.GetBytes($"RCPT TO:<{Recipient}>\r\n");
        var last = bdat ? Encoding.ASCII.GetBytes($"BDAT {size} LAST\r\n") : DataCommand;
        return [mail, rcpt, last];
    }

    /// <summary>
    /// RFC 2920 3.1: MAIL and RCPT go in one group that DATA ends; the body and its terminator
    /// follow the 354. BDAT with its chunk may join the group (RFC 3030 4.2), so a BDAT message is
    /// one write and three replies.
    /// </summary>
    private async Task<MessageOutcome> SendPipelinedAsync(byte[][] envelope, byte[] payload, bool bdat, CancellationToken cancellationToken)
    {
        await WriteAsync([.. envelope[0], .. envelope[1], .. envelope[2]], cancellationToken);
        var started = 0L;
        if (bdat)
        {
            await WriteAsync(payload, cancellationToken);
            started = Stopwatch.GetTimestamp();
        }

        var mail = await _replies.ReadAsync(cancellationToken);
        var rcpt = await _replies.ReadAsync(cancellationToken);
        var last = await _replies.ReadAsync(cancellationToken);
        if (bdat)
        {
            var latency = Stopwatch.GetElapsedTime(started);
            return new MessageOutcome(FirstFailure(mail, rcpt) ?? last, latency, FirstFailure(mail, rcpt) is null ? QueuedId(last) : null);
        }

        if (last != 354)
        {
            return new MessageOutcome(FirstFailure(mail, rcpt) ?? last, null);
        }

        return await SendDataAsync(payload, cancellationToken);
    }

    private async Task<MessageOutcome> SendOneByOneAsync(byte[][] envelope, byte[] payload, bool bdat, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 2; i++)
        {
            await WriteAsync(envelope[i], cancellationToken);
            var code = await _replies.ReadAsync(cancellationToken);
            if (code is < 200 or >= 300)
            {
                return new MessageOutcome(code, null);
            }
        }

        if (bdat)
        {
            await WriteAsync(envelope[2], cancellationToken);
            return await SendDataAsync(payload, cancellationToken);
        }

        await WriteAsync(envelope[2], cancellationToken);
        var data = await _replies.ReadAsync(cancellationToken);
        return data == 354 ? await SendDataAsync(payload, cancellationToken) : new MessageOutcome(data, null);
    }

    private async Task<MessageOutcome> SendDataAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await WriteAsync(payload, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var code = await _replies.ReadAsync(cancellationToken);
        return new MessageOutcome(code, Stopwatch.GetElapsedTime(started), QueuedId(code));
    }

    /// <summary>The gateway's id at the end of "250 2.0.0 OK: queued as &lt;id&gt;"; null for other replies.</summary>
    private string? QueuedId(int code)
    {
        if (code is < 200 or >= 300)
        {
            return null;
        }

        var text = _replies.LastText;
        var at = text.LastIndexOf(QueuedAs, StringComparison.Ordinal);
        return at < 0 ? null : text[(at + QueuedAs.Length)..].Trim();
    }

    private static int? FirstFailure(int mail, int rcpt) =>
        mail is < 200 or >= 300 ? mail : rcpt is < 200 or >= 300 ? rcpt : null;

    private async Task StartAsync(ClientTls? tls, CancellationToken cancellationToken)
    {
        if (tls is { Mode: TlsMode.Implicit })
        {
            // RFC 8314 3.3: the handshake comes first; the greeting is the first thing TLS carries.
            await SecureAsync(tls, cancellationToken);
        }

        var greeting = await _replies.ReadAsync(cancellationToken);
        if (greeting != 220)
        {
            throw new SmtpReplyException("greeting", greeting);
        }

        await EhloAsync(cancellationToken);
        if (tls is { Mode: TlsMode.StartTls })
        {
            // Sent whether or not EHLO offered it: a server without it refuses, and the report says so.
            await WriteAsync(StartTlsCommand, cancellationToken);
            var ready = await _replies.ReadAsync(cancellationToken);
            if (ready != 220)
            {
                throw new SmtpReplyException("STARTTLS", ready);
            }

            await SecureAsync(tls, cancellationToken);
            // RFC 3207 4.2: forget what the server said in the clear and ask again.
            await EhloAsync(cancellationToken);
        }
    }

    private async Task SecureAsync(ClientTls tls, CancellationToken cancellationToken)
    {
        if (_replies.HasBuffered)
        {
            // Bytes after the 220 to STARTTLS, in the clear: a reply injected ahead of the
            // handshake (the client side of the CVE-2011-0411 class), never to be read as if TLS
            // had protected it (RFC 3207 4.2).
            throw new InvalidDataException("Plaintext followed the reply to STARTTLS.");
        }

        var secured = await tls.AuthenticateAsync(_stream, cancellationToken);
        _stream = secured;
        _replies.SwitchTo(secured);
        Tls = new TlsSession(secured.SslProtocol, secured.NegotiatedCipherSuite);
    }

    private async Task EhloAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(EhloCommand, cancellationToken);
        var keywords = new List<string>();
        var ehlo = await _replies.ReadAsync(cancellationToken, keywords);
        if (ehlo != 250)
        {
            throw new SmtpReplyException("EHLO", ehlo);
        }

        // RFC 5321 4.1.1.1: the first line names the server; each later one is a keyword and its parameters.
        Pipelining = false;
        Chunking = false;
        foreach (var line in keywords.Skip(1))
        {
            var keyword = line.Split(' ', 2)[0];
            Pipelining |= keyword.Equals("PIPELINING", StringComparison.OrdinalIgnoreCase);
            Chunking |= keyword.Equals("CHUNKING", StringComparison.OrdinalIgnoreCase);
        }
    }

    private ValueTask WriteAsync(byte[] bytes, CancellationToken cancellationToken) =>
        _stream.WriteAsync(bytes, cancellationToken);
}
