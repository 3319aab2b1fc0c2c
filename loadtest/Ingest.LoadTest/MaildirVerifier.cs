using System.Security.Cryptography;

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

    public static VerificationResult Verify(string maildir, SentLedger ledger)
    {
        var seen = new Dictionary<Guid, int>();
        var corrupted = new HashSet<Guid>();
        var partial = new HashSet<Guid>();
        var files = 0;
        var foreign = 0;
        var unknown = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(maildir, "new")))
        {
            files++;
            var content = File.ReadAllBytes(file);
            var start = SentContent.Locate(content, out var id);
            if (start < 0)
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
                // Shorter than sent: a message cut off (a partial); otherwise other bytes (corrupted).
                (content.Length - start < record.Size ? partial : corrupted).Add(id);
            }
        }

        var lost = new List<Guid>();
        var acceptedCount = 0;
        var deliveredWithout250 = 0;
        foreach (var record in ledger.Records)
        {
            var accepted = record.Accepted;
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
            Path.Combine(maildir, "new"), files, acceptedCount, seen.Count, lost.Count, duplicated.Count, corrupted.Count, partial.Count,
            deliveredWithout250, unknown, foreign,
            [.. lost.Take(SampleLimit)], [.. duplicated.Take(SampleLimit)], [.. corrupted.Take(SampleLimit)]);
    }
}

/// <summary>
/// Counts are of distinct message ids except <see cref="Files"/>. Lost: accepted (2xx) but not in
/// the Maildir. Corrupted: found, but the bytes differ from what was sent. Partial: found, but
/// shorter than what was sent.
/// </summary>
internal sealed record VerificationResult(
    string Directory,
    int Files,
    int Accepted,
    int Found,
    int Lost,
    int Duplicated,
    int Corrupted,
    int Partial,
    int DeliveredWithout250,
    int FromOtherRuns,
    int WithoutIdHeader,
    IReadOnlyList<Guid> LostSample,
    IReadOnlyList<Guid> DuplicatedSample,
    IReadOnlyList<Guid> CorruptedSample)
{
    public bool Passed => Lost == 0 && Corrupted == 0 && Partial == 0;
}
