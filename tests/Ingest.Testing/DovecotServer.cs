using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Xunit;

namespace Ingest.Testing;

/// <summary>
/// A private Dovecot serving one Maildir over IMAP and POP3 on loopback, to read back what the
/// gateway or the Kafka-to-Maildir tool wrote. Its configuration, base_dir and state_dir live in a
/// temporary directory and no system configuration is read (dovecot -c). One user with a static
/// password. Readiness is Dovecot's own "starting up" log line, written once its listeners are bound.
/// Every log line is kept, so a test can require that Dovecot had nothing to complain about.
/// <para>
/// Dovecot refuses to run mail processes as root, so as root the Maildir is handed to nobody; as any
/// other user everything runs as that user (no chroot, own internal and login users).
/// </para>
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    public const string UserName = "alice";
    public const string Password = "secret";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // A port picked free can be taken before Dovecot binds it: start again on other ports.
    private const int MaxAttempts = 5;

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log;
    private readonly Action<string>? _report;

    // Where the log of the instance that serves begins (after any failed starts).
    private readonly int _servingFrom;

    private DovecotServer(Process process, string directory, StringBuilder log, Action<string>? report, IPEndPoint imap, IPEndPoint pop3, int attempts, int servingFrom)
    {
        _servingFrom = servingFrom;
        Attempts = attempts;
        _process = process;
        _directory = directory;
        _log = log;
        _report = report;
        Imap = imap;
        Pop3 = pop3;
    }

    public IPEndPoint Imap { get; }

    public IPEndPoint Pop3 { get; }

    /// <summary>How many starts it took: more than one when a port picked was taken before Dovecot bound it.</summary>
    public int Attempts { get; }

    /// <summary>Everything Dovecot logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <param name="maildir">The Maildir to serve as the user's INBOX; as root it is handed over to nobody.</param>
    /// <param name="report">Receives Dovecot's whole log once it has stopped (e.g. ITestOutputHelper.WriteLine).</param>
    /// <param name="ports">Picks the IMAP and POP3 ports of each attempt; by default two the OS just handed out.</param>
    public static async Task<DovecotServer> StartAsync(string maildir, Action<string>? report = null, Func<(int Imap, int Pop3)>? ports = null)
    {
        var binary = ExternalTool.Dovecot.Require();
        var directory = Directory.CreateTempSubdirectory("ingest-dovecot-").FullName;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                // Dovecot's unprivileged processes reach the sockets under base_dir through this directory.
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            var home = Path.Combine(directory, "home");
            Directory.CreateDirectory(home);
            var account = await MailAccount.ForThisProcessAsync();
            if (account.HandOver)
            {
                await ChildProcess.RunAsync("chown", "-R", $"{account.Uid}:{account.Gid}", Path.GetFullPath(maildir), home);
            }

            // One log across attempts, so the report shows a failed start too.
            var log = new StringBuilder();
            for (var attempt = 1; ; attempt++)
            {
                var (imap, pop3) = (ports ?? FreePorts)();
                var config = Path.Combine(directory, "dovecot.conf");
                await File.WriteAllTextAsync(config, Configuration(directory, Path.GetFullPath(maildir), home, account, imap, pop3));
                var start = Snapshot(log).Length;
                var process = Start(binary, config, log, out var ready);
                if (await WaitUntilReadyAsync(process, ready))
                {
                    return new DovecotServer(process, directory, log, report, new IPEndPoint(IPAddress.Loopback, imap), new IPEndPoint(IPAddress.Loopback, pop3), attempt, start);
                }

                // After exit, this returns once the last log line has been read.
                process.WaitForExit();
                process.Dispose();
                var text = Snapshot(log)[start..];
                if (attempt == MaxAttempts || !text.Contains("Address already in use", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"dovecot did not start (attempt {attempt}):\n{text}");
                }
            }
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>An IMAP session, logged in.</summary>
    public async Task<ImapClient> ConnectImapAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync(Imap.Address.ToString(), Imap.Port, SecureSocketOptions.None).WaitAsync(Bound);
        await client.AuthenticateAsync(UserName, Password).WaitAsync(Bound);
        return client;
    }

    /// <summary>A POP3 session, logged in (the maildrop is locked until it quits).</summary>
    public async Task<Pop3Client> ConnectPop3Async()
    {
        var client = new Pop3Client();
        await client.ConnectAsync(Pop3.Address.ToString(), Pop3.Port, SecureSocketOptions.None).WaitAsync(Bound);
        await client.AuthenticateAsync(UserName, Password).WaitAsync(Bound);
        return client;
    }

    /// <summary>Dovecot found nothing wrong with the Maildir: no warning, error, fatal or panic line in the serving instance's log.</summary>
    public void AssertNothingWrongLogged()
    {
        var complaints = Log[_servingFrom..].Split('\n').Where(line => new[] { ": Warning: ", ": Error: ", ": Fatal: ", ": Panic: " }.Any(level => line.Contains(level, StringComparison.Ordinal))).ToList();
        Assert.True(complaints.Count == 0, "Dovecot complained:\n" + string.Join('\n', complaints));
    }

    private static string Configuration(string directory, string maildir, string home, MailAccount account, int imap, int pop3)
    {
        // Services that chroot by default (the login processes, anvil) would need root to do it; a test
        // on loopback gains nothing from it, so nothing chroots and the same file works for any user.
        var users = account.Internal is { } user
            ? $"default_internal_user = {user.User}\ndefault_internal_group = {user.Group}\ndefault_login_user = {user.User}\n"
            : "";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            # A private test instance (tests/Ingest.Testing/DovecotServer.cs): loopback, no TLS, one user.
            base_dir = {{directory}}/run
            state_dir = {{directory}}/state
            protocols = imap pop3
            listen = 127.0.0.1
            ssl = no
            # Plain passwords without TLS: acceptable on loopback only.
            disable_plaintext_auth = no
            auth_mechanisms = plain
            log_path = /dev/stderr
            mail_location = maildir:{{maildir}}
            first_valid_uid = {{account.Uid}}
            {{users}}
            passdb {
              driver = static
              args = password={{Password}}
            }
            userdb {
              driver = static
              args = uid={{account.Uid}} gid={{account.Gid}} home={{home}}
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = {{imap}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service pop3-login {
              chroot =
              inet_listener pop3 {
                address = 127.0.0.1
                port = {{pop3}}
              }
              inet_listener pop3s {
                port = 0
              }
            }
            service anvil {
              chroot =
            }

            """);
    }

    private static Process Start(string binary, string config, StringBuilder log, out Task ready)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // -F: in the foreground, so this process owns it; -c: this configuration and nothing of /etc.
        start.ArgumentList.Add("-F");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ready = started.Task;
        var process = Process.Start(start)!;
        void OnLine(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(line.Data);
            }

            // "master: Info: Dovecot v2.3.19.1 (...) starting up for imap, pop3": logged after the listeners are bound.
            if (line.Data.Contains("master: Info: Dovecot v", StringComparison.Ordinal) && line.Data.Contains(" starting up", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>True once Dovecot serves; false when it exited (the log says why).</summary>
    private static async Task<bool> WaitUntilReadyAsync(Process process, Task ready)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var exited = process.WaitForExitAsync(timeout.Token);
        if (await Task.WhenAny(ready, exited) == ready)
        {
            return true;
        }

        if (timeout.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dovecot was not ready within {Bound}");
        }

        return false;
    }

    /// <summary>Two distinct ports the OS just handed out on loopback; Dovecot binds them a moment later.</summary>
    private static (int Imap, int Pop3) FreePorts()
    {
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        second.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (((IPEndPoint)first.LocalEndPoint!).Port, ((IPEndPoint)second.LocalEndPoint!).Port);
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // SIGTERM: the master stops every Dovecot process it started, then exits.
            await ChildProcess.StopAsync(_process, Bound);
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
            _report?.Invoke("dovecot log:\n" + Log);
        }
    }
}
