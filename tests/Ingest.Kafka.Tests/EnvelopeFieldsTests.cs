using System.Net;
using System.Text;
using Ingest.Delivery;
using Ingest.Delivery.Kafka;
using Ingest.Kafka.Records;

namespace Ingest.Kafka.Tests;

/// <summary>The envelope travels in the first record's packed fields and comes back out of the consumer side whole.</summary>
[Trait("Broker", "none")]
public sealed class EnvelopeFieldsTests
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

    private static RecordEnvelope RoundTrip(MessageEnvelope envelope) => RecordEnvelope.Parse(Record(envelope), envelope.MessageId)!;

    private static ConsumedRecord Record(MessageEnvelope envelope)
    {
        var fields = new RecordFieldWriter();
        fields.Add(RecordFields.Kind, "whole");
        fields.AddFields(EnvelopeFields.Build(envelope, envelope.Recipients, "gw-1"));
        return new ConsumedRecord
        {
            Topic = "mail",
            Key = Encoding.ASCII.GetBytes(envelope.MessageId),
            Value = [],
            Headers = [new("ingest-version", "2"u8.ToArray()), new("ingest-record", fields.ToArray())],
        };
    }

    [Fact]
    public void BinaryMimeAndRequireTlsAreCarriedAndAbsentWhenNotAskedFor()
    {
        var plain = Envelope("TLSv1.3", "TLS_AES_256_GCM_SHA384", null);
        Assert.DoesNotContain("binarymime", Encoding.UTF8.GetString(EnvelopeFields.Build(plain, plain.Recipients, "gw-1")), StringComparison.Ordinal);
        Assert.False(RoundTrip(plain).BinaryMime);
        Assert.False(RoundTrip(plain).RequireTls);

        var asked = new MessageEnvelope
        {
            MessageId = plain.MessageId,
            ReversePath = plain.ReversePath,
            Recipients = plain.Recipients,
            HeloName = plain.HeloName,
            ReceivedAt = plain.ReceivedAt,
            Protocol = plain.Protocol,
            BinaryMime = true,
            RequireTls = true,
        };
        var fields = Encoding.UTF8.GetString(EnvelopeFields.Build(asked, asked.Recipients, "gw-1")).Split('\n');
        Assert.Contains("binarymime=1", fields);
        Assert.Contains("requiretls=1", fields);
        var parsed = RoundTrip(asked);
        Assert.True(parsed.BinaryMime);
        Assert.True(parsed.RequireTls);
    }

    private static MessageEnvelope DsnEnvelope() => new()
    {
        MessageId = "0190ab",
        ReversePath = "a@example.org",
        Recipients = ["a@x.example", "b@y.example", "c@x.example", "d@x.example"],
        HeloName = "c.example",
        ReceivedAt = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
        Protocol = "UTF8SMTP",
        DsnReturn = ReturnContent.Headers,
        EnvelopeId = "id 1+%\r\n",
        RecipientDsn =
        [
            new RecipientDsn(NotifyConditions.Success | NotifyConditions.Delay, "rfc822;A+tag@x.example"),
            new RecipientDsn(NotifyConditions.Never, null),
            RecipientDsn.None,
            new RecipientDsn(NotifyConditions.None, "utf-8;用户 x@x.example"),
        ],
    };

    // RFC 3461 4.1-4.4: RET and ENVID once, NOTIFY and ORCPT per recipient, numbered by the record's own "rcpt" fields.
    [Fact]
    public void DsnParametersAreCarriedPerRecipientOfTheRecordsTopic()
    {
        var envelope = DsnEnvelope();
        // The x.example route of a by-domain router: envelope positions 0, 2 and 3.
        var fields = new RecordFieldWriter();
        fields.Add(RecordFields.Kind, "whole");
        fields.AddFields(EnvelopeFields.Build(envelope, ["a@x.example", "c@x.example", "d@x.example"], "gw-1", [0, 2, 3]));
        var lines = Encoding.UTF8.GetString(fields.Written).Split('\n');
        Assert.Contains("ret=HDRS", lines);
        Assert.Contains("envid=id 1+%25%0D%0A", lines);
        Assert.Equal(["rcpt-notify=0 SUCCESS,DELAY"], lines.Where(line => line.StartsWith("rcpt-notify=", StringComparison.Ordinal)));
        Assert.Equal(["rcpt-orcpt=0 rfc822;A+tag@x.example", "rcpt-orcpt=2 utf-8;用户 x@x.example"], lines.Where(line => line.StartsWith("rcpt-orcpt=", StringComparison.Ordinal)));

        var parsed = RecordEnvelope.Parse(new ConsumedRecord
        {
            Topic = "mail",
            Key = Encoding.ASCII.GetBytes(envelope.MessageId),
            Value = [],
            Headers = [new("ingest-version", "2"u8.ToArray()), new("ingest-record", fields.ToArray())],
        }, envelope.MessageId)!;
        Assert.Equal("HDRS", parsed.Return);
        Assert.Equal("id 1+%\r\n", parsed.EnvelopeId);
        Assert.Equal(
            [new RecordRecipientDsn("SUCCESS,DELAY", "rfc822;A+tag@x.example"), new RecordRecipientDsn(null, null), new RecordRecipientDsn(null, "utf-8;用户 x@x.example")],
            parsed.RecipientDsn!);
    }

    [Fact]
    public void ARecordWhoseRecipientsHadNoDsnParametersCarriesNone()
    {
        var envelope = DsnEnvelope();
        var parsed = RoundTripOf(envelope, ["b@y.example"], [1]);
        Assert.Equal([new RecordRecipientDsn("NEVER", null)], parsed.RecipientDsn!);
        Assert.Null(RoundTripOf(envelope, ["c@x.example"], [2]).RecipientDsn);
        Assert.Null(RoundTrip(Envelope(null, null, null)).RecipientDsn);
    }

    private static RecordEnvelope RoundTripOf(MessageEnvelope envelope, string[] recipients, int[] positions)
    {
        var fields = new RecordFieldWriter();
        fields.Add(RecordFields.Kind, "whole");
        fields.AddFields(EnvelopeFields.Build(envelope, recipients, "gw-1", positions));
        return RecordEnvelope.Parse(new ConsumedRecord
        {
            Topic = "mail",
            Key = Encoding.ASCII.GetBytes(envelope.MessageId),
            Value = [],
            Headers = [new("ingest-version", "2"u8.ToArray()), new("ingest-record", fields.ToArray())],
        }, envelope.MessageId)!;
    }

    [Theory]
    [InlineData("rcpt-notify=x SUCCESS")]
    [InlineData("rcpt-notify=9 SUCCESS")]
    [InlineData("rcpt-notify=-1 SUCCESS")]
    [InlineData("rcpt-notify=SUCCESS")]
    public void AMalformedRecipientDsnFieldIsIgnored(string field)
    {
        var fields = new RecordFieldWriter();
        fields.Add(RecordFields.Kind, "whole");
        fields.AddFields(EnvelopeFields.Build(Envelope(null, null, null), ["r@example.com"], "gw-1"));
        fields.AddFields(Encoding.UTF8.GetBytes(field));
        var parsed = RecordEnvelope.Parse(new ConsumedRecord
        {
            Topic = "mail",
            Key = "0190aa"u8.ToArray(),
            Value = [],
            Headers = [new("ingest-version", "2"u8.ToArray()), new("ingest-record", fields.ToArray())],
        }, "0190aa")!;
        Assert.Null(parsed.RecipientDsn);
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
    public void APlaintextUnauthenticatedSessionWritesNeitherField()
    {
        var metadata = RecordMetadata.Read(Record(Envelope(null, null, null)))!;
        Assert.Null(metadata.Field(RecordFields.Tls));
        Assert.Null(metadata.Field(RecordFields.Auth));
        Assert.Equal("r@example.com", metadata.Field(RecordFields.Recipient));
    }

    [Fact]
    public void EveryEnvelopeFieldSurvivesTheRoundTrip()
    {
        var envelope = new MessageEnvelope
        {
            MessageId = "0190ab",
            ReversePath = "",
            Recipients = ["\"odd;=name\"@example.com", "Postmaster", "ü@bücher.example"],
            HeloName = "[192.0.2.9]",
            ClientEndPoint = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.9"), 25000),
            ReceivedAt = new DateTimeOffset(2026, 12, 1, 8, 30, 1, 1, TimeSpan.FromHours(2)),
            Protocol = "UTF8SMTPS",
            EightBitMime = true,
            SmtpUtf8 = true,
            DeclaredSize = 123456,
            TlsProtocol = "TLSv1.2",
            TlsCipher = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            AuthenticatedUser = "user%with\nnewline",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            TraceState = "congo=t61rcWkgMzE",
        };
        var parsed = RoundTrip(envelope);
        Assert.Equal("", parsed.ReversePath);
        Assert.Equal(envelope.Recipients, parsed.Recipients);
        Assert.Equal("[192.0.2.9]", parsed.HeloName);
        Assert.Equal(IPAddress.Parse("192.0.2.9"), parsed.ClientAddress);
        Assert.Equal(25000, parsed.ClientPort);
        Assert.Equal(envelope.ReceivedAt, parsed.ReceivedAt);
        Assert.Equal("gw-1", parsed.Gateway);
        Assert.Equal("UTF8SMTPS", parsed.Protocol);
        Assert.True(parsed.EightBitMime);
        Assert.True(parsed.SmtpUtf8);
        Assert.Equal(123456UL, parsed.DeclaredSize);
        Assert.Equal("TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", parsed.Tls);
        Assert.Equal("user%with\nnewline", parsed.Auth);
        Assert.Equal(envelope.TraceParent, parsed.TraceParent);
        Assert.Equal(envelope.TraceState, parsed.TraceState);
    }

    [Fact]
    public void NoFieldValueSpansALine()
    {
        var envelope = Envelope(null, null, "a\r\nkind=abort");
        var packed = Record(envelope).Header("ingest-record")!;
        Assert.DoesNotContain((byte)'\r', packed);
        Assert.Contains("\nauth=a%0D%0Akind=abort", Encoding.UTF8.GetString(packed), StringComparison.Ordinal);
        Assert.Equal("whole", RecordMetadata.Read(Record(envelope))!.Field(RecordFields.Kind));
    }
}
