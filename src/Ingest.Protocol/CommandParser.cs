using System.Buffers.Binary;
using System.Text;

namespace Ingest.Protocol;

/// <summary>
/// Parses one command line (without its CRLF) into an <see cref="SmtpCommand"/>. Synchronous,
/// allocation-free; verbs are matched as case-folded 32-bit integers (RFC 5321 2.4: verbs are
/// case-insensitive).
/// </summary>
public static class CommandParser
{
    private const uint LowerCaseMask = 0x20202020;

    public static SmtpCommand Parse(ReadOnlySpan<byte> line)
    {
        // Trailing spaces carry no meaning in any command; tolerating them costs nothing.
        line = line.TrimEnd((byte)' ');
        var verb = ReadVerb(line, out var verbLength);
        if (verb == SmtpVerb.Unknown)
        {
            return new SmtpCommand { Rejection = Rejection.UnrecognizedCommand };
        }

        var hasArguments = line.Length > verbLength;
        var arguments = hasArguments ? line[(verbLength + 1)..] : default;
        return verb switch
        {
            SmtpVerb.Helo or SmtpVerb.Ehlo => ParseHello(verb, arguments),
            SmtpVerb.Mail => ParseMail(arguments),
            SmtpVerb.Rcpt => ParseRcpt(arguments),
            SmtpVerb.Bdat => ParseBdat(arguments),
            // RFC 5321 4.1.1.4, 4.1.1.5, 4.1.1.10: "DATA" CRLF, "RSET" CRLF, "QUIT" CRLF.
            SmtpVerb.Data or SmtpVerb.Rset or SmtpVerb.Quit => new SmtpCommand
            {
                Verb = verb,
                Rejection = hasArguments ? Rejection.ArgumentsNotAllowed : Rejection.None,
            },
            // RFC 5321 4.1.1.6: VRFY takes a String; 4.1.1.8/4.1.1.9: NOOP and HELP take an optional one.
            // String = Atom / Quoted-string (4.1.2) admits no control character, so NUL and other
            // CTLs are refused here as in every other command rather than silently ignored.
            SmtpVerb.Vrfy => new SmtpCommand
            {
                Verb = verb,
                Rejection = arguments.IsEmpty || HasControl(arguments) ? Rejection.InvalidArguments : Rejection.None,
            },
            SmtpVerb.Noop or SmtpVerb.Help => new SmtpCommand
            {
                Verb = verb,
                Rejection = HasControl(arguments) ? Rejection.InvalidArguments : Rejection.None,
            },
            // RFC 3207 4: "STARTTLS" CRLF; parameters are a 501.
            SmtpVerb.StartTls => new SmtpCommand
            {
                Verb = verb,
                Rejection = hasArguments ? Rejection.ArgumentsNotAllowed : Rejection.None,
            },
            SmtpVerb.Auth => ParseAuth(arguments),
            _ => new SmtpCommand { Verb = verb, Rejection = Rejection.NotImplemented },
        };
    }

    /// <summary>
    /// RFC 4954 4: "AUTH" SP sasl-mech [SP initial-response], initial-response = base64 / "=".
    /// Mechanism names are matched case-insensitively, as clients send them either way. The
    /// initial response is returned undecoded in <see cref="SmtpCommand.Argument"/>; the session
    /// decodes it, because what a bad one earns (501) depends on the exchange, not the syntax.
    /// </summary>
    private static SmtpCommand ParseAuth(ReadOnlySpan<byte> arguments)
    {
        var space = arguments.IndexOf((byte)' ');
        var name = space < 0 ? arguments : arguments[..space];
        var response = space < 0 ? default : arguments[(space + 1)..];
        if (name.IsEmpty || (space >= 0 && (response.IsEmpty || response.Contains((byte)' '))) || HasControl(arguments))
        {
            return new SmtpCommand { Verb = SmtpVerb.Auth, Rejection = Rejection.InvalidArguments };
        }

        var mechanism = Ascii.EqualsIgnoreCase(name, "PLAIN"u8) ? SaslMechanism.Plain
            : Ascii.EqualsIgnoreCase(name, "LOGIN"u8) ? SaslMechanism.Login
            : SaslMechanism.Unknown;
        return new SmtpCommand
        {
            Verb = SmtpVerb.Auth,
            Mechanism = mechanism,
            // RFC 4954 4: 504 for a mechanism the server does not support.
            Rejection = mechanism == SaslMechanism.Unknown ? Rejection.UnsupportedAuthMechanism : Rejection.None,
            Argument = response,
            HasParameters = space >= 0,
        };
    }

    internal static SmtpVerb ReadVerb(ReadOnlySpan<byte> line, out int length)
    {
        length = 4;
        if (line.Length < 4)
        {
            return SmtpVerb.Unknown;
        }

        var word = BinaryPrimitives.ReadUInt32LittleEndian(line) | LowerCaseMask;
        var verb = word switch
        {
            0x6F6C6568 => SmtpVerb.Helo, // "helo"
            0x6F6C6865 => SmtpVerb.Ehlo, // "ehlo"
            0x6C69616D => SmtpVerb.Mail, // "mail"
            0x74706372 => SmtpVerb.Rcpt, // "rcpt"
            0x61746164 => SmtpVerb.Data, // "data"
            0x74616462 => SmtpVerb.Bdat, // "bdat"
            0x74657372 => SmtpVerb.Rset, // "rset"
            0x706F6F6E => SmtpVerb.Noop, // "noop"
            0x74697571 => SmtpVerb.Quit, // "quit"
            0x79667276 => SmtpVerb.Vrfy, // "vrfy"
            0x706C6568 => SmtpVerb.Help, // "help"
            0x6E707865 => SmtpVerb.Expn, // "expn"
            0x6E727574 => SmtpVerb.Turn, // "turn"
            0x6E727465 => SmtpVerb.Etrn, // "etrn"
            0x68747561 => SmtpVerb.Auth, // "auth"
            0x72617473 => SmtpVerb.StartTls, // "star", completed below
            _ => SmtpVerb.Unknown,
        };

        if (verb == SmtpVerb.StartTls)
        {
            length = 8;
            if (line.Length < 8 || (BinaryPrimitives.ReadUInt32LittleEndian(line[4..]) | LowerCaseMask) != 0x736C7474) // "ttls"
            {
                return SmtpVerb.Unknown;
            }
        }

        // The verb must stand alone: "HELOX" is not HELO.
        return line.Length == length || line[length] == (byte)' ' ? verb : SmtpVerb.Unknown;
    }

    private static SmtpCommand ParseHello(SmtpVerb verb, ReadOnlySpan<byte> domain)
    {
        // RFC 5321 4.1.1.1: ehlo = "EHLO" SP ( Domain / address-literal ). HELO is documented as
        // Domain only; address literals are accepted for it too, as every deployed server does.
        var valid = domain.Length > 0 && (domain[0] == (byte)'['
            ? DomainSyntax.IsValidAddressLiteral(domain)
            : DomainSyntax.IsValidDomain(domain, allowUtf8: false));
        return new SmtpCommand
        {
            Verb = verb,
            Argument = domain,
            Rejection = valid ? Rejection.None : Rejection.InvalidDomain,
        };
    }

    private static SmtpCommand ParseMail(ReadOnlySpan<byte> arguments)
    {
        if (!TryStripPrefix(ref arguments, "FROM:"u8))
        {
            return new SmtpCommand { Verb = SmtpVerb.Mail, Rejection = Rejection.InvalidArguments };
        }

        var status = PathParser.Parse(arguments, allowNull: true, allowBarePostmaster: false, out var consumed, out var mailbox, out var nonAscii);
        var rejection = status switch
        {
            PathStatus.Invalid => Rejection.BadSenderSyntax,
            PathStatus.TooLong => Rejection.SenderPathTooLong,
            _ => Rejection.None,
        };
        var parameters = default(MailParameters);
        var envelopeId = default(ReadOnlySpan<byte>);
        var rest = arguments[consumed..];
        if (rejection == Rejection.None)
        {
            rejection = ParseMailParameters(rest, out parameters, out envelopeId);
        }

        return new SmtpCommand
        {
            Verb = SmtpVerb.Mail,
            Rejection = rejection,
            Argument = status == PathStatus.Ok ? arguments[mailbox] : default,
            ArgumentIsNonAscii = nonAscii,
            HasParameters = !rest.IsEmpty,
            Mail = parameters,
            EnvelopeId = rejection == Rejection.None ? envelopeId : default,
        };
    }

    private static SmtpCommand ParseRcpt(ReadOnlySpan<byte> arguments)
    {
        if (!TryStripPrefix(ref arguments, "TO:"u8))
        {
            return new SmtpCommand { Verb = SmtpVerb.Rcpt, Rejection = Rejection.InvalidArguments };
        }

        var status = PathParser.Parse(arguments, allowNull: false, allowBarePostmaster: true, out var consumed, out var mailbox, out var nonAscii);
        var rest = arguments[consumed..];
        var rejection = status switch
        {
            PathStatus.Invalid or PathStatus.NullPath => Rejection.BadRecipientSyntax,
            PathStatus.TooLong => Rejection.RecipientPathTooLong,
            _ when !rest.IsEmpty && rest[0] != (byte)' ' => Rejection.BadRecipientSyntax,
            _ => Rejection.None,
        };

        var dsn = default(RecipientDsnSpans);
        if (rejection == Rejection.None)
        {
            rejection = ParseRcptParameters(rest, ref dsn);
        }

        var valid = rejection == Rejection.None;
        return new SmtpCommand
        {
            Verb = SmtpVerb.Rcpt,
            Rejection = rejection,
            Argument = status == PathStatus.Ok ? arguments[mailbox] : default,
            ArgumentIsNonAscii = nonAscii,
            HasParameters = !rest.IsEmpty,
            Notify = valid ? dsn.Notify : DsnNotify.None,
            OriginalRecipientType = valid ? dsn.AddressType : default,
            OriginalRecipient = valid ? dsn.Address : default,
            OriginalRecipientIsNonAscii = valid && dsn.NonAscii,
        };
    }

    private ref struct RecipientDsnSpans
    {
        public DsnNotify Notify;
        public ReadOnlySpan<byte> AddressType;
        public ReadOnlySpan<byte> Address;
        public bool NonAscii;
    }

    /// <summary>Rcpt-parameters = esmtp-param *(SP esmtp-param) (RFC 5321 4.1.2): RFC 3461's NOTIFY and ORCPT.</summary>
    private static Rejection ParseRcptParameters(ReadOnlySpan<byte> rest, ref RecipientDsnSpans dsn)
    {
        var orcpt = false;
        while (!rest.IsEmpty)
        {
            if (!TryNextParameter(ref rest, out var keyword, out var value, out var hasValue))
            {
                return Rejection.InvalidArguments;
            }

            if (Ascii.EqualsIgnoreCase(keyword, "NOTIFY"u8))
            {
                if (dsn.Notify != DsnNotify.None)
                {
                    return Rejection.DuplicateParameter;
                }

                dsn.Notify = DsnParameters.ParseNotify(value);
                if (dsn.Notify == DsnNotify.None)
                {
                    return Rejection.InvalidParameterValue;
                }
            }
            else if (Ascii.EqualsIgnoreCase(keyword, "ORCPT"u8))
            {
                if (orcpt)
                {
                    return Rejection.DuplicateParameter;
                }

                if (!hasValue || !DsnParameters.TrySplitOriginalRecipient(value, out var semicolon, out dsn.NonAscii))
                {
                    return Rejection.InvalidParameterValue;
                }

                orcpt = true;
                dsn.AddressType = value[..semicolon];
                dsn.Address = value[(semicolon + 1)..];
            }
            else
            {
                // RFC 5321 4.1.1.11: 555 for a parameter not advertised.
                return Rejection.UnknownParameter;
            }
        }

        return Rejection.None;
    }

    /// <summary>
    /// One esmtp-param from " keyword[=value]..." (RFC 5321 4.1.2), leaving the rest; false when the
    /// keyword or value breaks the grammar. Runs of spaces are tolerated, as before.
    /// </summary>
    private static bool TryNextParameter(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> keyword, out ReadOnlySpan<byte> value, out bool hasValue)
    {
        rest = rest.TrimStart((byte)' ');
        var end = rest.IndexOf((byte)' ');
        var parameter = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[end..];

        var equals = parameter.IndexOf((byte)'=');
        hasValue = equals >= 0;
        keyword = equals < 0 ? parameter : parameter[..equals];
        value = equals < 0 ? default : parameter[(equals + 1)..];
        return IsKeyword(keyword) && (equals < 0 || IsEsmtpValue(value));
    }

    /// <summary>Mail-parameters = esmtp-param *(SP esmtp-param) (RFC 5321 4.1.2).</summary>
    private static Rejection ParseMailParameters(ReadOnlySpan<byte> rest, out MailParameters parameters, out ReadOnlySpan<byte> envelopeId)
    {
        parameters = default;
        envelopeId = default;
        if (rest.IsEmpty)
        {
            return Rejection.None;
        }

        if (rest[0] != (byte)' ')
        {
            return Rejection.BadSenderSyntax;
        }

        ulong? size = null;
        var body = BodyType.Unspecified;
        var smtpUtf8 = false;
        var auth = false;
        var requireTls = false;
        var ret = DsnReturn.Unspecified;
        var hasEnvelopeId = false;
        while (!rest.IsEmpty)
        {
            if (!TryNextParameter(ref rest, out var keyword, out var value, out var hasValue))
            {
                return Rejection.InvalidArguments;
            }

            if (Ascii.EqualsIgnoreCase(keyword, "SIZE"u8))
            {
                if (size is not null)
                {
                    return Rejection.DuplicateParameter;
                }

                // RFC 1870 3: size-value ::= 1*20DIGIT; values beyond 64 bits saturate (and fail the limit).
                if (!TryParseDigits(value, 20, out var declared))
                {
                    return Rejection.InvalidParameterValue;
                }

                size = declared;
            }
            else if (Ascii.EqualsIgnoreCase(keyword, "BODY"u8))
            {
                if (body != BodyType.Unspecified)
                {
                    return Rejection.DuplicateParameter;
                }

                // RFC 6152 2: BODY=7BIT or BODY=8BITMIME; RFC 3030 3: BODY=BINARYMIME (BDAT only,
                // which the session enforces at DATA).
                body = Ascii.EqualsIgnoreCase(value, "7BIT"u8) ? BodyType.SevenBit
                    : Ascii.EqualsIgnoreCase(value, "8BITMIME"u8) ? BodyType.EightBitMime
                    : Ascii.EqualsIgnoreCase(value, "BINARYMIME"u8) ? BodyType.BinaryMime
                    : BodyType.Unspecified;
                if (body == BodyType.Unspecified)
                {
                    return Rejection.InvalidParameterValue;
                }
            }
            else if (Ascii.EqualsIgnoreCase(keyword, "AUTH"u8))
            {
                // RFC 4954 5: AUTH=<mailbox as xtext> or AUTH=<>. We never relay onward over SMTP,
                // so the value has no use here; it is checked for syntax and otherwise ignored,
                // which is what 5 asks of a server that does not trust the client's claim.
                if (auth)
                {
                    return Rejection.DuplicateParameter;
                }

                if (!hasValue || value.IsEmpty)
                {
                    return Rejection.InvalidParameterValue;
                }

                auth = true;
            }
            else if (Ascii.EqualsIgnoreCase(keyword, "SMTPUTF8"u8))
            {
                // RFC 6531 3.4: SMTPUTF8 takes no value.
                if (smtpUtf8)
                {
                    return Rejection.DuplicateParameter;
                }

                if (hasValue)
                {
                    return Rejection.InvalidParameterValue;
                }

                smtpUtf8 = true;
            }
            else if (Ascii.EqualsIgnoreCase(keyword, "RET"u8))
            {
                // RFC 3461 4.3: RET=FULL or RET=HDRS, once.
                if (ret != DsnReturn.Unspecified)
                {
                    return Rejection.DuplicateParameter;
                }

                ret = DsnParameters.ParseReturn(value);
                if (ret == DsnReturn.Unspecified)
                {
                    return Rejection.InvalidParameterValue;
                }
            }
            else if (Ascii.EqualsIgnoreCase(keyword, "ENVID"u8))
            {
                // RFC 3461 4.4: ENVID=xtext, once.
                if (hasEnvelopeId)
                {
                    return Rejection.DuplicateParameter;
                }

                if (!DsnParameters.IsValidEnvelopeId(value))
                {
                    return Rejection.InvalidParameterValue;
                }

                hasEnvelopeId = true;
                envelopeId = value;
            }
            else if (Ascii.EqualsIgnoreCase(keyword, "REQUIRETLS"u8))
            {
                // RFC 8689 4: "REQUIRETLS" takes no value. Whether the session may take it is the
                // session's call (TLS only).
                if (requireTls)
                {
                    return Rejection.DuplicateParameter;
                }

                if (hasValue)
                {
                    return Rejection.InvalidParameterValue;
                }

                requireTls = true;
            }
            else
            {
                return Rejection.UnknownParameter;
            }
        }

        parameters = new MailParameters(size, body, smtpUtf8, requireTls, ret);
        return Rejection.None;
    }

    private static SmtpCommand ParseBdat(ReadOnlySpan<byte> arguments)
    {
        // RFC 3030 2: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF
        var space = arguments.IndexOf((byte)' ');
        var digits = space < 0 ? arguments : arguments[..space];
        // 18 digits always fit a long; a chunk that large is refused by the size limit anyway.
        if (!TryParseDigits(digits, 18, out var size))
        {
            return new SmtpCommand { Verb = SmtpVerb.Bdat, Rejection = Rejection.UnframeableBdat };
        }

        var last = false;
        var rejection = Rejection.None;
        if (space >= 0)
        {
            last = Ascii.EqualsIgnoreCase(arguments[(space + 1)..], "LAST"u8);
            rejection = last ? Rejection.None : Rejection.InvalidArguments;
        }

        // The size is known even when the rest is wrong: the chunk is still read and discarded.
        return new SmtpCommand { Verb = SmtpVerb.Bdat, ChunkSize = (long)size, IsLastChunk = last, Rejection = rejection };
    }

    // RFC 5234 B.1: CTL = %x00-1F / %x7F.
    private static bool HasControl(ReadOnlySpan<byte> text) =>
        text.IndexOfAnyInRange((byte)0x00, (byte)0x1F) >= 0 || text.Contains((byte)0x7F);

    private static bool TryStripPrefix(ref ReadOnlySpan<byte> arguments, ReadOnlySpan<byte> prefix)
    {
        if (arguments.Length < prefix.Length || !Ascii.EqualsIgnoreCase(arguments[..prefix.Length], prefix))
        {
            return false;
        }

        // RFC 5321 4.1.2 allows no space after the colon; deployed clients send one, and accepting
        // it changes nothing about where the path ends.
        arguments = arguments[prefix.Length..].TrimStart((byte)' ');
        return true;
    }

    private static bool TryParseDigits(ReadOnlySpan<byte> digits, int maxDigits, out ulong value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > maxDigits)
        {
            return false;
        }

        foreach (var b in digits)
        {
            if (!CharClass.IsDigit(b))
            {
                return false;
            }

            var next = value * 10 + (ulong)(b - '0');
            value = next < value || value > ulong.MaxValue / 10 ? ulong.MaxValue : next;
        }

        return true;
    }

    private static bool IsKeyword(ReadOnlySpan<byte> keyword)
    {
        // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
        if (keyword.IsEmpty || !CharClass.IsLetDig(keyword[0]))
        {
            return false;
        }

        foreach (var b in keyword)
        {
            if (!CharClass.IsKeywordChar(b))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsEsmtpValue(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (var b in value)
        {
            // RFC 6531 3.3 extends esmtp-value with UTF8-non-ascii.
            if (!CharClass.IsEsmtpValueChar(b) && !CharClass.IsNonAscii(b))
            {
                return false;
            }
        }

        return true;
    }
}
