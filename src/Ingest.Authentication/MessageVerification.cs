using System.Diagnostics;
using Ingest.Authentication.Dkim;
using Ingest.Authentication.Dmarc;
using Ingest.Authentication.Mail;
using Ingest.Authentication.Spf;
using Ingest.Protocol;
using Ingest.Session;

namespace Ingest.Authentication;

/// <summary>
/// One transaction's SPF, DKIM and DMARC. SPF starts at MAIL and runs while recipients and the
/// body arrive; DKIM runs over the body as it streams (<see cref="DkimVerifier"/>); at the end
/// DMARC combines them and the policy decides. All DNS work shares one budget, so a message
/// never waits longer than <see cref="AuthenticationOptions.DnsBudget"/> for its verdicts.
/// </summary>
internal sealed class MessageVerification : ISenderVerification
{
    private readonly SenderVerifier _verifier;
    private readonly SenderInfo _sender;
    private readonly CancellationTokenSource _budget;
    private readonly Task<SpfVerdict> _spf;
    private readonly DkimVerifier _dkim;

    public MessageVerification(SenderVerifier verifier, SenderInfo sender)
    {
        _verifier = verifier;
        _sender = sender;
        var options = verifier.Options;
        _budget = new CancellationTokenSource(options.DnsBudget, verifier.Time);
        _spf = sender.Client is { } client
            ? SpfEvaluator.CheckAsync(verifier.Dns, client, sender.ReversePath, sender.HeloName, _budget.Token)
            : Task.FromResult(new SpfVerdict(SpfResult.None, Domain(sender), sender.ReversePath.Length == 0, "client address unknown"));
        _dkim = new DkimVerifier(verifier.Dns, options.MaxHeaderBytes, options.MaxSignatures, _budget.Token, verifier.RsaKeys);
    }

    private AuthenticationOptions Options => _verifier.Options;

    /// <summary>Authenticated clients get verdicts, never refusals: they submit through us.</summary>
    public bool DecidesAtMail => Options.RejectSpfFail && !_sender.Authenticated;

    public async ValueTask<Rejection> CheckSenderAsync(CancellationToken cancellationToken)
    {
        var spf = await _spf.WaitAsync(cancellationToken);
        return spf.Result switch
        {
            // RFC 7208 8.4 and RFC 7372: a "fail" may be refused, 550 5.7.23.
            SpfResult.Fail => Rejection.SpfFailed,
            SpfResult.TempError when Options.TemporaryErrors == TemporaryErrorAction.Defer => Rejection.SpfTemporaryError,
            _ => Rejection.None,
        };
    }

    public void Append(ReadOnlySpan<byte> bytes) => _dkim.Append(bytes);

    public async ValueTask<VerificationOutcome> FinishAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _verifier.Time.GetUtcNow();
        var dkim = await _dkim.FinishAsync(now).WaitAsync(cancellationToken);
        var spf = await _spf.WaitAsync(cancellationToken);
        DmarcVerdict dmarc;
        string? dkimProblem = null;
        if (_dkim.HeaderOverflowed)
        {
            dkimProblem = $"header section over {Options.MaxHeaderBytes} octets, not verified";
            dmarc = new DmarcVerdict(DmarcResult.PermError, null, null, false, DmarcPolicy.None, dkimProblem);
        }
        else if (FromDomain.Find(_dkim.Fields!, out var fromError) is { } from)
        {
            dmarc = await DmarcEvaluator.EvaluateAsync(_verifier.Dns, from, spf, dkim, _budget.Token).WaitAsync(cancellationToken);
        }
        else
        {
            // RFC 7489 6.6.1: the From field is what DMARC is about; a malformed one gets no guess.
            dmarc = new DmarcVerdict(DmarcResult.PermError, null, null, false, DmarcPolicy.None, fromError!);
        }

        _verifier.Metrics.Waited(Stopwatch.GetElapsedTime(started));
        Count(spf, dkim, dmarc);
        var verdicts = AuthenticationResults.Build(_verifier.AuthServId, _sender.ReversePath, spf, dkim, dkimProblem, _dkim.IgnoredSignatures, dmarc);
        return new VerificationOutcome(Decide(dmarc), verdicts);
    }

    private Rejection Decide(DmarcVerdict dmarc)
    {
        if (!Options.RejectDmarcFail || _sender.Authenticated)
        {
            return Rejection.None;
        }

        // RFC 7489 6.6.4 and 10.3: p=reject, outside testing, may be refused at the end of data.
        if (dmarc is { Result: DmarcResult.Fail, Disposition: DmarcPolicy.Reject })
        {
            return Rejection.DmarcRejected;
        }

        return dmarc.Result == DmarcResult.TempError && Options.TemporaryErrors == TemporaryErrorAction.Defer
            ? Rejection.AuthenticationTemporaryError
            : Rejection.None;
    }

    private void Count(SpfVerdict spf, IReadOnlyList<DkimVerdict> dkim, DmarcVerdict dmarc)
    {
        var metrics = _verifier.Metrics;
        metrics.Verdict("spf", ResultNames.Of(spf.Result));
        if (dkim.Count == 0)
        {
            metrics.Verdict("dkim", _dkim.HeaderOverflowed ? "permerror" : "none");
        }

        foreach (var signature in dkim)
        {
            metrics.Verdict("dkim", ResultNames.Of(signature.Result));
        }

        metrics.Verdict("dmarc", ResultNames.Of(dmarc.Result));
    }

    private static string Domain(SenderInfo sender)
    {
        var at = sender.ReversePath.LastIndexOf('@');
        return sender.ReversePath.Length == 0 ? sender.HeloName : sender.ReversePath[(at + 1)..];
    }

    public void Dispose()
    {
        _budget.Cancel();
        _budget.Dispose();
        _dkim.Dispose();
    }
}
