using Ingest.Delivery;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>The mail transaction in progress (RFC 5321 3.3): MAIL, then RCPTs, then a body.</summary>
internal sealed class Transaction
{
    public string ReversePath { get; private set; } = "";

    public List<string> Recipients { get; private set; } = [];

    public MailParameters Parameters { get; private set; }

    /// <summary>ENVID= decoded (RFC 3461 4.4); null when not given.</summary>
    public string? EnvelopeId { get; private set; }

    /// <summary>
    /// Each recipient's DSN request, in step with <see cref="Recipients"/>; null while no recipient
    /// of the transaction has had one, so a transaction without DSN allocates nothing for it.
    /// </summary>
    public List<RecipientDsn>? RecipientDsn { get; private set; }

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

    public void Start(string reversePath, MailParameters parameters, string? envelopeId)
    {
        Clear();
        ReversePath = reversePath;
        Parameters = parameters;
        EnvelopeId = envelopeId;
        // A fresh list per transaction: the envelope handed to the sink keeps the previous one.
        Recipients = [];
    }

    public void AddRecipient(string mailbox, RecipientDsn? dsn)
    {
        if (dsn is not null && RecipientDsn is null)
        {
            RecipientDsn = new List<RecipientDsn>(Recipients.Count + 1);
            for (var i = 0; i < Recipients.Count; i++)
            {
                RecipientDsn.Add(Delivery.RecipientDsn.None);
            }
        }

        Recipients.Add(mailbox);
        RecipientDsn?.Add(dsn ?? Delivery.RecipientDsn.None);
    }

    /// <summary>Forgets the transaction without allocating (RSET, EHLO, after each message).</summary>
    public void Clear()
    {
        ReversePath = "";
        Parameters = default;
        EnvelopeId = null;
        // The envelope handed to the sink keeps the previous list, as it keeps Recipients.
        RecipientDsn = null;
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
