using System.Security.Cryptography;
using System.Text;

namespace Ingest.LoadTest;

/// <summary>
/// Checks a Maildir against what was sent. The gateway prepends its own lines (Return-Path,
/// Delivered-To, Received) to each message; every message this tool sends starts with its id
/// header, so the original bytes are the file from that header's line onwards, and their SHA-256
/// must equal the one recorded when the message was made.
/// </summary>
internal static class MaildirVerifier
{
    private const int SampleLimit = 10;
    private static readonly byte[] IdHeader = Encoding.ASCII.GetBytes(MessageFactory.IdHeaderName + ": ");

    public static VerificationResult Verify(string maildir, SentLedger ledger)
    {
        var seen = new Dictionary<Guid, int>();
        var corrupted = new HashSet<Guid>();
        var files = 0;
        var foreign = 0;
        var unknown = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(maildir, "new")))
        {
            files++;
            var content = File.ReadAllBytes(file);
            var start = FindIdHeader(content);
            if (start < 0 || !TryReadId(content.AsSpan(start + IdHeader.Length), out var id))
            {
                foreign++;
                continue;
            }

            if (!ledger.TryGet(id, out var record))
            {
                // An earlier run's message, or another sender's: not ours to judge.
                unknown++;
                continue;
            }

            seen[id] = seen.GetValueOrDefault(id) + 1;
            if (!SHA256.HashData(content.AsSpan(start)).AsSpan().SequenceEqual(record.Sha256))
            {
                corrupted.Add(id);
            }
        }

        var lost = new List<Guid>();
        var acceptedCount = 0;
        var deliveredWithout250 = 0;
        foreach (var record in ledger.Records)
        {
            var accepted = record.Code is >= 200 and < 300;
            var found = seen.ContainsKey(record.Id);
            acceptedCount += accepted ? 1 : 0;
            if (accepted && !found)
            {
                lost.Add(record.Id);
            }
            else if (!accepted && found)
            {
                // Refused, or cut off before the reply, yet stored: allowed by SMTP's at-least-once
                // contract when the reply was lost, worth knowing about when it was a refusal.
                deliveredWithout250++;
            }
        }

        var duplicated = seen.Where(pair => pair.Value > 1).Select(pair => pair.Key).ToList();
        return new VerificationResult(
            Path.Combine(maildir, "new"), files, acceptedCount, seen.Count, lost.Count, duplicated.Count, corrupted.Count,
            deliveredWithout250, unknown, foreign,
            [.. lost.Take(SampleLimit)], [.. duplicated.Take(SampleLimit)], [.. corrupted.Take(SampleLimit)]);
    }

    /// <summary>Where the id header's line starts: at the file's start or just after an LF.</summary>
    private static int FindIdHeader(byte[] content)
    {
        var from = 0;
        while (from < content.Length)
        {
            var at = content.AsSpan(from).IndexOf(IdHeader);
            if (at < 0)
            {
                return -1;
            }

            at += from;
            if (at == 0 || content[at - 1] == (byte)'\n')
            {
                return at;
            }

            from = at + 1;
        }

        return -1;
    }

    private static bool TryReadId(ReadOnlySpan<byte> value, out Guid id)
    {
        // A GUID in "D" form is 36 characters; never decode more than a line's worth.
        value = value[..Math.Min(value.Length, 64)];
        var end = value.IndexOf((byte)'\r');
        return Guid.TryParseExact(Encoding.ASCII.GetString(end < 0 ? value : value[..end]), "D", out id);
    }
}

/// <summary>
/// Counts are of distinct message ids except <see cref="Files"/>. Lost: accepted (2xx) but not in
/// the Maildir. Corrupted: found, but the bytes differ from what was sent.
/// </summary>
internal sealed record VerificationResult(
    string Directory,
    int Files,
    int Accepted,
    int Found,
    int Lost,
    int Duplicated,
    int Corrupted,
    int DeliveredWithout250,
    int FromOtherRuns,
    int WithoutIdHeader,
    IReadOnlyList<Guid> LostSample,
    IReadOnlyList<Guid> DuplicatedSample,
    IReadOnlyList<Guid> CorruptedSample)
{
    public bool Passed => Lost == 0 && Corrupted == 0;
}
