using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ingest.Delivery;

namespace Ingest.Session;

/// <summary>
/// The RFC 5321 4.4 trace header prepended to every message, written straight into the body
/// buffer (no intermediate strings):
/// Received: from helo ([ptr.name ][ip]) by host (Ingest) with PROTOCOL id ID [for &lt;rcpt&gt;] [(TLSv1.3) tls CIPHER]; date
/// The HELO name and addresses were validated by the parser, so no raw client bytes go in.
/// </summary>
internal static class ReceivedHeader
{
    /// <summary>
    /// Largest header this can produce: HELO, PTR name and recipient are bounded by the 255/255/256-octet
    /// limits of the parser and <see cref="ClientHostName"/>; about 1,340 octets at most with the TLS clause.
    /// </summary>
    public const int MaxLength = 1536;

    /// <param name="clientHostName">The client's PTR name, already validated as a domain (<see cref="ClientHostName"/>), or null.</param>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> hostName, MessageEnvelope envelope, string? clientHostName = null)
    {
        var writer = new SpanWriter(destination);
        writer.Append("Received: from "u8);
        writer.AppendAscii(envelope.HeloName);
        if (envelope.ClientEndPoint is { } client)
        {
            // TCP-info = address-literal / ( Domain FWS address-literal ) (RFC 5321 4.4).
            writer.Append(" ("u8);
            if (clientHostName is not null)
            {
                writer.AppendAscii(clientHostName);
                writer.Append(" "u8);
            }

            writer.AppendAddressLiteral(client.Address);
            writer.Append(")"u8);
        }

        writer.Append("\r\n\tby "u8);
        writer.Append(hostName);
        writer.Append(" (Ingest) with "u8);
        writer.AppendAscii(envelope.Protocol);
        writer.Append(" id "u8);
        writer.AppendAscii(envelope.MessageId);
        // Naming the recipient only when there is one keeps the others private (RFC 5321 7.2).
        if (envelope.Recipients.Count == 1)
        {
            writer.Append("\r\n\tfor <"u8);
            writer.AppendUtf8(envelope.Recipients[0]);
            writer.Append(">"u8);
        }

        // RFC 8314 4.3 registers the "tls" clause (after "for", RFC 5321 4.4 Additional-Registered-Clauses)
        // for the cipher suite; the protocol version rides in the comment its CFWS allows.
        if (envelope.TlsCipher is { } cipher)
        {
            writer.Append("\r\n\t("u8);
            writer.AppendAscii(envelope.TlsProtocol ?? "TLS");
            writer.Append(") tls "u8);
            writer.AppendAscii(cipher);
        }

        writer.Append(";\r\n\t"u8);
        // RFC 5322 3.3 date-time, always in UTC.
        writer.AppendDate(envelope.ReceivedAt.UtcDateTime);
        writer.Append("\r\n"u8);
        return writer.Length;
    }

    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Length { get; private set; }

        public void Append(scoped ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Length..]);
            Length += bytes.Length;
        }

        public void AppendAscii(string text) => Length += Encoding.ASCII.GetBytes(text, _destination[Length..]);

        public void AppendUtf8(string text) => Length += Encoding.UTF8.GetBytes(text, _destination[Length..]);

        public void AppendAddressLiteral(IPAddress address)
        {
            // RFC 5321 4.1.3 address literal: [192.0.2.1] or [IPv6:2001:db8::1].
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            Append(address.AddressFamily == AddressFamily.InterNetworkV6 ? "[IPv6:"u8 : "["u8);
            address.TryFormat(_destination[Length..], out var written);
            Length += written;
            Append("]"u8);
        }

        public void AppendDate(DateTime utc)
        {
            utc.TryFormat(_destination[Length..], out var written, "ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
            Length += written;
        }
    }
}
