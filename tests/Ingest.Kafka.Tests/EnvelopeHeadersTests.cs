using System.Net;
using Confluent.Kafka;
using Ingest.Delivery;
using Ingest.Delivery.Kafka;
using Ingest.Kafka.Records;

namespace Ingest.Kafka.Tests;

/// <summary>TLS and AUTH facts of a session travel in the first record's headers and come back out of the consumer side.</summary>
public sealed class EnvelopeHeadersTests
{
    private static MessageEnvelope Envelope(string? tlsProtocol, string? tlsCipher, string? user) => new()
    {
        MessageId = "0190aa",
        ReversePath = "a@example.org",
        Recipients = ["r@example.com"],
        HeloName = "c.example",
        ClientEndPoint = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000),
        ReceivedAt = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
        Protocol = user is null ? "ESMTPS" : "ESMTPSA",
        TlsProtocol = tlsProtocol,
        TlsCipher = tlsCipher,
        AuthenticatedUser = user,
    };

    private static RecordEnvelope RoundTrip(MessageEnvelope envelope)
    {
        var headers = EnvelopeHeaders.Build(envelope, envelope.Recipients, "gw-1");
        var record = new ConsumedRecord
        {
            Topic = "mail",
            Value = [],
            Headers = headers.Select(header => new KeyValuePair<string, byte[]>(header.Key, header.GetValueBytes())).ToList(),
        };
        return RecordEnvelope.Parse(record, envelope.MessageId)!;
    }

    [Fact]
    public void TlsAndTheAuthenticatedUserAreCarriedInTheirHeaders()
    {
        var parsed = RoundTrip(Envelope("TLSv1.3", "TLS_AES_256_GCM_SHA384", "alice"));
        Assert.Equal("TLSv1.3 TLS_AES_256_GCM_SHA384", parsed.Tls);
        Assert.Equal("alice", parsed.Auth);
        Assert.Equal("ESMTPSA", parsed.Protocol);
    }

    [Fact]
    public void APlaintextUnauthenticatedSessionWritesNeitherHeader()
    {
        var headers = EnvelopeHeaders.Build(Envelope(null, null, null), ["r@example.com"], "gw-1");
        Assert.DoesNotContain(headers, header => header.Key is RecordHeaders.Tls or RecordHeaders.Auth);
    }
}
