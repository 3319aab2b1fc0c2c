namespace Ingest.Testing;

/// <summary>Whom a private Dovecot runs mail processes as, and under which users its own processes run.</summary>
internal sealed record MailAccount(string Uid, string Gid, bool HandOver, (string User, string Group)? Internal)
{
    public static async Task<MailAccount> ForThisProcessAsync()
    {
        if (await ChildProcess.RunAsync("id", "-u") == "0")
        {
            // Root: Dovecot's own users (dovecot, dovenull) exist with the package; mail is read as nobody,
            // since Dovecot never gives a mailbox to UID 0, so the Maildir is handed over to it.
            return new MailAccount(await ChildProcess.RunAsync("id", "-u", "nobody"), await ChildProcess.RunAsync("id", "-g", "nobody"), HandOver: true, Internal: null);
        }

        // Anyone else: every Dovecot process runs as this user, over files this user already owns.
        return new MailAccount(
            await ChildProcess.RunAsync("id", "-u"),
            await ChildProcess.RunAsync("id", "-g"),
            HandOver: false,
            (await ChildProcess.RunAsync("id", "-un"), await ChildProcess.RunAsync("id", "-gn")));
    }
}
