using Ingest.Delivery;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>The mail transaction in progress (RFC 5321 3.3): MAIL, then RCPTs, then a body.</summary>
internal sealed class Transaction
{
    public string ReversePath { get; private set; } = "";

    public List<string> Recipients { get; private set; } = [];

    public MailParameters Parameters { get; private set; }

    public IMessageWriter? Writer { get; set; }

    /// <summary>Sender authentication of this transaction; null when verification is off.</summary>
    public ISenderVerification? Verification { get; set; }

    public MessageEnvelope? Envelope { get; set; }

    /// <summary>Body octets received so far, without the Received header.</summary>
    public long BodyLength { get; set; }

    /// <summary>Why the body will be refused once fully read; None while all is well.</summary>
    public Rejection Failure { get; set; }

    /// <summary>The sink's failure, when that is the reason.</summary>
    public DeliveryResult SinkFailure { get; set; }

    public void Start(string reversePath, MailParameters parameters)
    {
        Clear();
        ReversePath = reversePath;
        Parameters = parameters;
        // A fresh list per transaction: the envelope handed to the sink keeps the previous one.
        Recipients = [];
    }

    /// <summary>Forgets the transaction without allocating (RSET, EHLO, after each message).</summary>
    public void Clear()
    {
        ReversePath = "";
        Parameters = default;
        BodyLength = 0;
        Failure = Rejection.None;
        SinkFailure = default;
        Envelope = null;
        Writer = null;
        if (Verification is { } verification)
        {
            Verification = null;
            verification.Dispose();
        }
    }
}
