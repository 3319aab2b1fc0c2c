using System.Text;
using Ingest.Delivery;
using Ingest.Protocol;

namespace Ingest.Session.Tests;

/// <summary>A sender verifier that records what the session gives it and decides as told.</summary>
internal sealed class FakeSenderVerifier : ISenderVerifier
{
    public Rejection AtMail { get; init; }

    public bool DecidesAtMail { get; init; }

    public Rejection AtEnd { get; init; }

    public List<Verification> Started { get; } = [];

    public ISenderVerification Start(SenderInfo sender)
    {
        var verification = new Verification(this, sender);
        Started.Add(verification);
        return verification;
    }

    public sealed class Verification(FakeSenderVerifier owner, SenderInfo sender) : ISenderVerification
    {
        private readonly MemoryStream _bytes = new();

        public SenderInfo Sender { get; } = sender;

        public byte[] Bytes => _bytes.ToArray();

        public int Appends { get; private set; }

        public bool Finished { get; private set; }

        public bool Disposed { get; private set; }

        public bool DecidesAtMail => owner.DecidesAtMail;

        public async ValueTask<Rejection> CheckSenderAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            return owner.AtMail;
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            Appends++;
            _bytes.Write(bytes);
        }

        public async ValueTask<VerificationOutcome> FinishAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            Finished = true;
            var verdicts = new AuthenticationVerdicts
            {
                HeaderField = Encoding.ASCII.GetBytes("Authentication-Results: gw.example; spf=pass\r\n"),
                Spf = "pass y.example",
                Dkim = [],
                Dmarc = "none y.example -",
            };
            return new VerificationOutcome(owner.AtEnd, verdicts);
        }

        public void Dispose() => Disposed = true;
    }
}
