namespace Ingest.Protocol;

/// <summary>Byte classes from the RFC 5321 4.1.2 and RFC 5322 3.2.3 grammars, as table lookups.</summary>
internal static class CharClass
{
    private const byte Alpha = 1, Digit = 2, Atext = 4, Qtext = 8, Dcontent = 16, KeywordTail = 32, EsmtpValue = 64;

    // Built once; a lookup per byte keeps the validators branch-light.
    private static readonly byte[] Table = Build();

    public static bool IsLetDig(byte b) => (Table[b] & (Alpha | Digit)) != 0;
    public static bool IsDigit(byte b) => (Table[b] & Digit) != 0;
    public static bool IsHex(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'f' - 'a';
    public static bool IsAtext(byte b) => (Table[b] & Atext) != 0;
    public static bool IsQtextSmtp(byte b) => (Table[b] & Qtext) != 0;
    public static bool IsDcontent(byte b) => (Table[b] & Dcontent) != 0;
    public static bool IsKeywordChar(byte b) => (Table[b] & KeywordTail) != 0;
    public static bool IsEsmtpValueChar(byte b) => (Table[b] & EsmtpValue) != 0;
    public static bool IsNonAscii(byte b) => b >= 0x80;

    private static byte[] Build()
    {
        var table = new byte[256];
        for (var c = 'a'; c <= 'z'; c++)
        {
            table[c] |= Alpha | Atext | KeywordTail;
            table[c - 32] |= Alpha | Atext | KeywordTail;
        }

        for (var c = '0'; c <= '9'; c++)
        {
            table[c] |= Digit | Atext | KeywordTail;
        }

        table['-'] |= KeywordTail;
        // RFC 5322 3.2.3 atext specials.
        foreach (var c in "!#$%&'*+-/=?^_`{|}~")
        {
            table[c] |= Atext;
        }

        for (var b = 32; b <= 126; b++)
        {
            // RFC 5321 4.1.2: qtextSMTP = %d32-33 / %d35-91 / %d93-126
            if (b != '"' && b != '\\')
            {
                table[b] |= Qtext;
            }

            // dcontent = %d33-90 / %d94-126
            if (b >= 33 && (b <= 90 || b >= 94))
            {
                table[b] |= Dcontent;
            }

            // esmtp-value = 1*(%d33-60 / %d62-126)
            if (b >= 33 && b != '=')
            {
                table[b] |= EsmtpValue;
            }
        }

        return table;
    }
}
