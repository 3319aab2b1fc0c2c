namespace Ingest.Session;

/// <summary>
/// Sender authentication (SPF, DKIM, DMARC), called by the session like the sink: started at
/// MAIL, fed the body as it streams, asked for its verdicts at the end of the data.
/// </summary>
public interface ISenderVerifier
{
    /// <summary>Starts verifying one transaction, once MAIL is accepted for its syntax.</summary>
    ISenderVerification Start(SenderInfo sender);

    /// <summary>
    /// The authserv-id of the Authentication-Results fields this verifier adds; the session removes
    /// incoming fields that claim it (RFC 8601 5). Empty: remove none.
    /// </summary>
    string AuthServId => "";
}
