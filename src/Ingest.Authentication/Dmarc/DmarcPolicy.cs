namespace Ingest.Authentication.Dmarc;

/// <summary>RFC 7489 6.3 p= and sp= values.</summary>
public enum DmarcPolicy : byte
{
    None,
    Quarantine,
    Reject,
}
