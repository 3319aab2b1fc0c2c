using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Ingest.Kafka.Records;

namespace Ingest.Delivery.Kafka;

/// <summary>The envelope as the headers of a message's first record (docs/record-format.md), built once per topic.</summary>
internal static class EnvelopeHeaders
{
    public static List<Header> Build(MessageEnvelope envelope, IReadOnlyList<string> recipients, string gateway)
    {
        var headers = new List<Header>(10 + recipients.Count)
        {
            Text(RecordHeaders.ReversePath, envelope.ReversePath),
        };
        foreach (var recipient in recipients)
        {
            headers.Add(Text(RecordHeaders.Recipient, recipient));
        }

        headers.Add(Text(RecordHeaders.Helo, envelope.HeloName));
        if (envelope.ClientEndPoint is { } client)
        {
            var address = client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address;
            headers.Add(Text(RecordHeaders.ClientAddress, address.ToString()));
            headers.Add(Text(RecordHeaders.ClientPort, client.Port.ToString(CultureInfo.InvariantCulture)));
        }

        headers.Add(Text(RecordHeaders.ReceivedAt, envelope.ReceivedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)));
        headers.Add(Text(RecordHeaders.Gateway, gateway));
        headers.Add(Text(RecordHeaders.Protocol, envelope.Protocol));
        if (envelope.EightBitMime)
        {
            headers.Add(Text(RecordHeaders.EightBitMime, "1"));
        }

        if (envelope.SmtpUtf8)
        {
            headers.Add(Text(RecordHeaders.SmtpUtf8, "1"));
        }

        if (envelope.DeclaredSize is { } size)
        {
            headers.Add(Text(RecordHeaders.DeclaredSize, size.ToString(CultureInfo.InvariantCulture)));
        }

        // "TLSv1.3 TLS_AES_256_GCM_SHA384": protocol and cipher suite, space-separated (docs/record-format.md).
        if (envelope.TlsProtocol is { } tlsProtocol)
        {
            headers.Add(Text(RecordHeaders.Tls, $"{tlsProtocol} {envelope.TlsCipher}"));
        }

        if (envelope.AuthenticatedUser is { } user)
        {
            headers.Add(Text(RecordHeaders.Auth, user));
        }

        // The delivery span's context: a consumer's span continues the same trace.
        if (envelope.TraceParent is { } traceParent)
        {
            headers.Add(Text(RecordHeaders.TraceParent, traceParent));
            if (!string.IsNullOrEmpty(envelope.TraceState))
            {
                headers.Add(Text(RecordHeaders.TraceState, envelope.TraceState));
            }
        }

        return headers;
    }

    public static Header Text(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));

    public static Header Number(string name, long value) => new(name, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Bytes a header adds to a record: name, value and librdkafka's per-header varints (generous).</summary>
    public static int Size(IHeader header) => Encoding.UTF8.GetByteCount(header.Key) + header.GetValueBytes().Length + 10;
}
