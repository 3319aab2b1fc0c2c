using System.Text;
using System.Text.Unicode;
using Ingest.Protocol;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// MAIL and RCPT paths (<see cref="PathParser"/>), domains and address literals
/// (<see cref="DomainSyntax"/>), and the same bytes as the argument of MAIL FROM (with its
/// parameters, RFC 5321 4.1.2 Mail-parameters), RCPT TO and EHLO. Asserts that nothing throws; that
/// an accepted path is "&lt;" ... "&gt;" within the input and its mailbox a non-empty part of it
/// with no control character, flagged non-ASCII exactly when it holds an octet above 127 (RFC 6531);
/// that the allowNull and allowBarePostmaster switches change only the cases they name; that an
/// accepted mailbox is grammatical and a grammatical one accepted (<see cref="MailboxReference"/>);
/// that the domain and IPv4 validators agree with the grammar written out plainly
/// (<see cref="DomainReference"/>); that every IPv6 literal accepted is one the framework's parser
/// reads too; and that the command parser's verdicts agree with the path parser's.
/// </summary>
internal static class AddressTarget
{
    public static void Run(byte[] input)
    {
        Paths(input);
        Domains(input);
        Commands(input);
    }

    private static void Paths(ReadOnlySpan<byte> input)
    {
        var strict = Path(input, allowNull: false, allowBarePostmaster: false);
        var withNull = Path(input, allowNull: true, allowBarePostmaster: false);
        var withPostmaster = Path(input, allowNull: false, allowBarePostmaster: true);
        var reverse = Path(input, allowNull: true, allowBarePostmaster: true);

        // RFC 5321 4.5.5: "<>" is the null reverse-path, and only where it is allowed.
        var isNull = input.StartsWith("<>"u8);
        Invariant.That(withNull.Status == (isNull ? PathStatus.NullPath : strict.Status), "allowNull changed more than \"<>\"");
        Invariant.That(!isNull || strict.Status == PathStatus.Invalid, "\"<>\" accepted where no null path is allowed");

        // RFC 5321 4.1.1.3: "<Postmaster>" without a domain, and only for a forward-path.
        var bare = withPostmaster.Status == PathStatus.Ok && !withPostmaster.Mailbox.Contains((byte)'@');
        Invariant.That(!bare || Ascii.EqualsIgnoreCase(withPostmaster.Mailbox, "postmaster"u8), "a mailbox without a domain that is not Postmaster");
        Invariant.That(bare ? strict.Status == PathStatus.Invalid : withPostmaster == strict, "allowBarePostmaster changed more than \"<Postmaster>\"");
        Invariant.That(reverse.Status == (isNull ? PathStatus.NullPath : withPostmaster.Status), "the switches do not combine independently");

        // Accepted means grammatical, and (without a source route) grammatical means accepted.
        Invariant.That(strict.Status != PathStatus.Ok || MailboxReference.IsMailbox(strict.Mailbox), "an accepted mailbox is not RFC 5321 Mailbox syntax");
        if (input.Length >= 3 && input[0] == (byte)'<' && input[1] != (byte)'@' && input[^1] == (byte)'>'
            && input.Length <= PathParser.MaxPathLength && MailboxReference.IsMailbox(input[1..^1]))
        {
            Invariant.That(strict.Status == PathStatus.Ok && strict.Consumed == input.Length && strict.Mailbox.AsSpan().SequenceEqual(input[1..^1]),
                $"a grammatical path was refused: {strict.Status}");
        }
    }

    private static PathResult Path(ReadOnlySpan<byte> input, bool allowNull, bool allowBarePostmaster)
    {
        var status = PathParser.Parse(input, allowNull, allowBarePostmaster, out var consumed, out var range, out var nonAscii);
        Invariant.That(consumed >= 0 && consumed <= input.Length, "consumed outside the input");
        var (start, length) = range.GetOffsetAndLength(input.Length);
        switch (status)
        {
            case PathStatus.Ok:
                Invariant.That(input[0] == (byte)'<' && input[consumed - 1] == (byte)'>', "an accepted path is not <...>");
                Invariant.That(length > 0 && start >= 1 && start + length == consumed - 1, "the mailbox is not inside the angle brackets");
                Invariant.That(consumed <= PathParser.MaxPathLength, "an accepted path is over 256 octets (RFC 5321 4.5.3.1.3)");
                var mailbox = input.Slice(start, length);
                Invariant.That(mailbox.IndexOfAnyInRange((byte)0, (byte)0x1F) < 0 && !mailbox.Contains((byte)0x7F), "an accepted mailbox holds a control character");
                Invariant.That(nonAscii == !Ascii.IsValid(mailbox), "the non-ASCII flag does not match the mailbox");
                Invariant.That(!nonAscii || Utf8.IsValid(mailbox), "an accepted non-ASCII mailbox is not UTF-8 (RFC 6531 3.3)");
                return new PathResult(status, consumed, mailbox.ToArray(), nonAscii);
            case PathStatus.NullPath:
                Invariant.That(allowNull && consumed == 2 && input.StartsWith("<>"u8), "a null path that is not \"<>\"");
                break;
            case PathStatus.TooLong:
                Invariant.That(consumed > 0 && input[consumed - 1] == (byte)'>', "a path too long that did not end where its '>' is");
                break;
        }

        return new PathResult(status, status == PathStatus.TooLong ? consumed : 0, [], false);
    }

    private static void Domains(ReadOnlySpan<byte> input)
    {
        var ascii = DomainSyntax.IsValidDomain(input, allowUtf8: false);
        var utf8 = DomainSyntax.IsValidDomain(input, allowUtf8: true);
        Invariant.That(ascii == DomainReference.IsDomain(input, allowUtf8: false), $"IsValidDomain(ascii) says {ascii}, the grammar disagrees");
        Invariant.That(utf8 == DomainReference.IsDomain(input, allowUtf8: true), $"IsValidDomain(utf8) says {utf8}, the grammar disagrees");
        Invariant.That(DomainSyntax.IsValidIPv4(input) == DomainReference.IsIPv4(input), "IsValidIPv4 disagrees with the grammar");

        if (DomainSyntax.IsValidIPv6(input))
        {
            // RFC 5321 4.1.3's IPv6-addr is a subset of what the framework reads (which adds zone ids and more).
            Invariant.That(DomainReference.IsFrameworkIPv6(input), "IsValidIPv6 accepted what IPAddress cannot read");
        }

        if (DomainSyntax.IsValidAddressLiteral(input))
        {
            var inner = input[1..^1];
            Invariant.That(input[0] == (byte)'[' && input[^1] == (byte)']', "an address literal without brackets");
            Invariant.That(DomainReference.IsIPv4(inner) || (inner.Length > 5 && Ascii.EqualsIgnoreCase(inner[..5], "IPv6:"u8) && DomainReference.IsFrameworkIPv6(inner[5..])),
                "an accepted address literal is neither IPv4 nor IPv6:");
        }
    }

    private static void Commands(ReadOnlySpan<byte> input)
    {
        // What the command parser passes to the path parser: the line's trailing spaces trimmed, then
        // the spaces after the colon (CommandParser's tolerance), so the same bytes must give the same verdict.
        var path = input.TrimEnd((byte)' ').TrimStart((byte)' ');

        var line = Line("MAIL FROM:"u8, input);
        var mail = CommandParser.Parse(line);
        InsideLine(line, mail.Argument);
        var sender = PathParser.Parse(path, allowNull: true, allowBarePostmaster: false, out var consumed, out var mailbox, out _);
        if (mail.IsValid)
        {
            Invariant.That(sender is PathStatus.Ok or PathStatus.NullPath, "MAIL accepted a path the path parser refuses");
            Invariant.That(mail.Argument.SequenceEqual(sender == PathStatus.Ok ? path[mailbox] : default), "MAIL's mailbox differs from the path parser's");
            Invariant.That(mail.HasParameters == (consumed < path.Length), "MAIL's parameters flag does not match what follows the path");
            // RFC 1870: a declared size only from a SIZE= parameter.
            Invariant.That(mail.Mail.DeclaredSize is null || IndexOfIgnoreCase(path[consumed..], "SIZE="u8) >= 0, "a SIZE nobody sent");
            Invariant.That(!mail.Mail.SmtpUtf8 || IndexOfIgnoreCase(path[consumed..], "SMTPUTF8"u8) >= 0, "SMTPUTF8 nobody sent");
        }
        else if (sender is PathStatus.Invalid or PathStatus.TooLong)
        {
            Invariant.That(mail.Rejection == (sender == PathStatus.Invalid ? Rejection.BadSenderSyntax : Rejection.SenderPathTooLong), "MAIL refused a bad path for another reason");
        }

        line = Line("RCPT TO:"u8, input);
        var rcpt = CommandParser.Parse(line);
        InsideLine(line, rcpt.Argument);
        var recipient = PathParser.Parse(path, allowNull: false, allowBarePostmaster: true, out consumed, out mailbox, out _);
        if (rcpt.IsValid)
        {
            // No RCPT parameter is advertised, so nothing may follow the path.
            Invariant.That(recipient == PathStatus.Ok && consumed == path.Length && rcpt.Argument.SequenceEqual(path[mailbox]), "RCPT accepted what the path parser does not, or with parameters");
        }

        line = Line("EHLO "u8, input);
        var ehlo = CommandParser.Parse(line);
        InsideLine(line, ehlo.Argument);
        var domain = input.TrimEnd((byte)' ');
        var expected = !domain.IsEmpty && (domain[0] == (byte)'['
            ? DomainSyntax.IsValidAddressLiteral(domain)
            : DomainReference.IsDomain(domain, allowUtf8: false));
        Invariant.That(ehlo.IsValid == expected && (!expected || ehlo.Argument.SequenceEqual(domain)), "EHLO's verdict differs from the domain grammar's");
    }

    private static byte[] Line(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> argument) => [.. prefix, .. argument];

    private static void InsideLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> argument) =>
        Invariant.That(argument.IsEmpty || (line.Overlaps(argument, out var offset) && offset >= 0 && offset + argument.Length <= line.Length),
            "the argument is not a part of the line");

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> word)
    {
        for (var i = 0; i + word.Length <= text.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(text.Slice(i, word.Length), word))
            {
                return i;
            }
        }

        return -1;
    }

    private readonly record struct PathResult(PathStatus Status, int Consumed, byte[] Mailbox, bool NonAscii)
    {
        public bool Equals(PathResult other) =>
            Status == other.Status && Consumed == other.Consumed && Mailbox.AsSpan().SequenceEqual(other.Mailbox) && NonAscii == other.NonAscii;

        public override int GetHashCode() => HashCode.Combine(Status, Consumed, Mailbox.Length, NonAscii);
    }
}
