using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ingest.Delivery;

namespace Ingest.Session;

/// <summary>
/// The RFC 5321 4.4 trace header prepended to every message:
/// Received: from helo ([ip]) by host (Ingest) with PROTOCOL id ID [for &lt;rcpt&gt;]; date
/// The HELO name and addresses were validated by the parser, so no raw client bytes go in.
/// </summary>
internal static class ReceivedHeader
{
    public static byte[] Build(string hostName, MessageEnvelope envelope)
    {
        var builder = new StringBuilder(256);
        builder.Append("Received: from ").Append(envelope.HeloName);
        if (envelope.ClientEndPoint is { } client)
        {
            builder.Append(" (").Append(AddressLiteral(client.Address)).Append(')');
        }

        builder.Append("\r\n\tby ").Append(hostName).Append(" (Ingest) with ").Append(envelope.Protocol)
            .Append(" id ").Append(envelope.MessageId);
        // Naming the recipient only when there is one keeps the others private (RFC 5321 7.2).
        if (envelope.Recipients.Count == 1)
        {
            builder.Append("\r\n\tfor <").Append(envelope.Recipients[0]).Append('>');
        }

        builder.Append(";\r\n\t")
            .Append(envelope.ReceivedAt.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture))
            .Append("\r\n");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>RFC 5321 4.1.3 address literal: [192.0.2.1] or [IPv6:2001:db8::1].</summary>
    public static string AddressLiteral(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[IPv6:{address}]"
            : $"[{address}]";
    }
}
