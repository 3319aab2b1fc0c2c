using System.Text;
using Ingest.Delivery;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// DSN parameters (RFC 3461) from their checked wire form to the envelope's strings: the one place
/// they are decoded and allocated, once per MAIL or RCPT that carries them.
/// </summary>
internal static class Dsn
{
    public static string? EnvelopeId(ReadOnlySpan<byte> xtext)
    {
        if (xtext.IsEmpty)
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[DsnParameters.MaxEnvelopeId];
        return Xtext.TryDecode(xtext, decoded, out var written) ? Encoding.ASCII.GetString(decoded[..written]) : null;
    }

    public static ReturnContent Return(DsnReturn value) => value switch
    {
        DsnReturn.Full => ReturnContent.Full,
        DsnReturn.Headers => ReturnContent.Headers,
        _ => ReturnContent.Unspecified,
    };

    /// <summary>Null for a RCPT without NOTIFY or ORCPT.</summary>
    public static RecipientDsn? ForRecipient(SmtpCommand command)
    {
        if (command.Notify == DsnNotify.None && command.OriginalRecipientType.IsEmpty)
        {
            return null;
        }

        return new RecipientDsn(Notify(command.Notify), OriginalRecipient(command.OriginalRecipientType, command.OriginalRecipient));
    }

    private static NotifyConditions Notify(DsnNotify notify) =>
        ((notify & DsnNotify.Never) != 0 ? NotifyConditions.Never : NotifyConditions.None)
        | ((notify & DsnNotify.Success) != 0 ? NotifyConditions.Success : NotifyConditions.None)
        | ((notify & DsnNotify.Failure) != 0 ? NotifyConditions.Failure : NotifyConditions.None)
        | ((notify & DsnNotify.Delay) != 0 ? NotifyConditions.Delay : NotifyConditions.None);

    /// <summary>"addr-type;decoded address", the parser having checked both (RFC 3461 4.2, RFC 6533 3).</summary>
    private static string? OriginalRecipient(ReadOnlySpan<byte> addressType, ReadOnlySpan<byte> encoded)
    {
        if (addressType.IsEmpty)
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[DsnParameters.MaxOriginalRecipient];
        var ok = DsnParameters.IsUtf8Type(addressType)
            ? Xtext.TryDecodeUnitext(encoded, decoded, out var written)
            : Xtext.TryDecode(encoded, decoded, out written);
        return ok ? string.Concat(Encoding.ASCII.GetString(addressType), ";", Encoding.UTF8.GetString(decoded[..written])) : null;
    }
}
