namespace Ingest.LoadTest;

/// <summary>The server refused the connection itself (greeting or EHLO), as opposed to one message.</summary>
internal sealed class SmtpReplyException(string stage, int code)
    : Exception($"{stage} answered {code}.")
{
    public string Stage { get; } = stage;

    public int Code { get; } = code;
}
