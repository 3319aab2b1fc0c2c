using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// Command legality as data: state x verb -> allowed, or the rejection (RFC 5321 4.1.4 ordering,
/// RFC 3030 2-3 for BDAT). The handlers only perform transitions the table allowed.
/// </summary>
internal static class StateTable
{
    private const int States = 5;
    private static readonly Rejection[] Table = Build();

    public static Rejection Check(SessionState state, SmtpVerb verb) => Table[(int)verb * States + (int)state];

    private static Rejection[] Build()
    {
        var verbs = Enum.GetValues<SmtpVerb>().Length;
        var table = new Rejection[verbs * States];

        // Columns: Connected, Greeted, MailGiven, RecipientGiven, BdatInProgress.
        Row(table, SmtpVerb.Mail, Rejection.NeedHelo, Rejection.None, Rejection.NestedMail, Rejection.NestedMail, Rejection.NestedMail);
        Row(table, SmtpVerb.Rcpt, Rejection.NeedMail, Rejection.NeedMail, Rejection.None, Rejection.None, Rejection.BadSequence);
        // RFC 5321 3.3: DATA without an accepted RCPT is 503 or 554; RFC 3030 3: no DATA after BDAT.
        Row(table, SmtpVerb.Data, Rejection.NeedMail, Rejection.NeedMail, Rejection.NoValidRecipients, Rejection.None, Rejection.DataAfterBdat);
        Row(table, SmtpVerb.Bdat, Rejection.NeedMail, Rejection.NoTransaction, Rejection.NoValidRecipients, Rejection.None, Rejection.None);
        // RFC 3207 4.2 / RFC 4954 4: STARTTLS and AUTH come after EHLO and outside a transaction.
        Row(table, SmtpVerb.StartTls, Rejection.NeedHelo, Rejection.None, Rejection.BadSequence, Rejection.BadSequence, Rejection.BadSequence);
        Row(table, SmtpVerb.Auth, Rejection.NeedHelo, Rejection.None, Rejection.AuthDuringTransaction, Rejection.AuthDuringTransaction, Rejection.AuthDuringTransaction);
        // Everything else (EHLO, HELO, RSET, NOOP, HELP, VRFY, QUIT, and the 502s) is legal anywhere.
        return table;
    }

    private static void Row(Rejection[] table, SmtpVerb verb, params ReadOnlySpan<Rejection> byState)
    {
        for (var state = 0; state < States; state++)
        {
            table[(int)verb * States + state] = byState[state];
        }
    }
}
