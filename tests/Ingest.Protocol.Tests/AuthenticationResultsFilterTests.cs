using System.Text;

namespace Ingest.Protocol.Tests;

/// <summary>
/// RFC 8601 5: Authentication-Results fields claiming the gateway's authserv-id are removed from the
/// header section while it streams; everything else passes byte for byte. Every case runs over every
/// cut of its input and through chunk buffers small enough that a field straddles two writes, with
/// the session's own rules for writing (what the filter holds stays for the next chunk).
/// </summary>
public sealed class AuthenticationResultsFilterTests
{
    private const string Ours = "mx.ingest.example";

    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "a forged field of ours goes",
            "Authentication-Results: mx.ingest.example; spf=pass smtp.mailfrom=a.example\r\nFrom: a@a.example\r\n\r\nbody\r\n",
            "From: a@a.example\r\n\r\nbody\r\n"
        },
        {
            "folded, with a comment before the id, name and id in another case",
            "Subject: hi\r\nAUTHENTICATION-results:\r\n (forged) MX.Ingest.Example;\r\n dkim=pass header.d=a.example\r\nTo: b@b.example\r\n\r\nbody\r\n",
            "Subject: hi\r\nTo: b@b.example\r\n\r\nbody\r\n"
        },
        {
            "white space before the colon (RFC 5322 obs-optional)",
            "Authentication-Results \t: mx.ingest.example 1; none\r\n\r\nx\r\n",
            "\r\nx\r\n"
        },
        {
            "another ADMD's field stays",
            "Authentication-Results: mx.other.example; spf=pass\r\n\r\nbody\r\n",
            "Authentication-Results: mx.other.example; spf=pass\r\n\r\nbody\r\n"
        },
        {
            "an id that only starts like ours stays",
            "Authentication-Results: mx.ingest.example.evil; spf=pass\r\nAuthentication-Results: mx.ingest.exampl; none\r\n\r\n",
            "Authentication-Results: mx.ingest.example.evil; spf=pass\r\nAuthentication-Results: mx.ingest.exampl; none\r\n\r\n"
        },
        {
            "a look-alike field name stays",
            "Authentication-Results-Original: mx.ingest.example; none\r\nX-Authentication-Results: mx.ingest.example; none\r\n\r\n",
            "Authentication-Results-Original: mx.ingest.example; none\r\nX-Authentication-Results: mx.ingest.example; none\r\n\r\n"
        },
        {
            "several, among other fields, the last right before the empty line",
            "Authentication-Results: mx.ingest.example; a=1\r\nReceived: x\r\nAuthentication-Results: mx.ingest.example;\r\n\tb=2\r\n\r\nAuthentication-Results: mx.ingest.example; in the body\r\n",
            "Received: x\r\n\r\nAuthentication-Results: mx.ingest.example; in the body\r\n"
        },
        {
            "a field with no authserv-id stays",
            "Authentication-Results:\r\nFrom: a@a.example\r\n\r\n",
            "Authentication-Results:\r\nFrom: a@a.example\r\n\r\n"
        },
        {
            "a message that is all header",
            "From: a@a.example\r\nAuthentication-Results: mx.ingest.example; none\r\n",
            "From: a@a.example\r\n"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RemovesOnlyOurFieldsOverEveryCut(string name, string input, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(input);
        foreach (var (cut, pieces) in Cuts(bytes))
        {
            Assert.True(expected == Run(pieces, capacity: 4096), $"{name}, {cut}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FieldsStraddlingTwoChunksAreDecidedWhole(string name, string input, string expected)
    {
        // A padding field puts every later field across the first write, at each offset in turn.
        for (var pad = 2040; pad < 2100; pad++)
        {
            var padding = "X-Pad: " + new string('p', pad - 9) + "\r\n";
            var bytes = Encoding.ASCII.GetBytes(padding + input);
            Assert.True(padding + expected == Run([bytes], capacity: 2100), $"{name}, padding {pad}");
            Assert.True(padding + expected == Run(Cuts(bytes).Last().Pieces, capacity: 2100), $"{name}, padding {pad}, byte by byte");
        }
    }

    [Fact]
    public void AFieldUndecidedPastTheWindowIsKept()
    {
        var comment = new string('c', AuthenticationResultsFilter.DecisionWindow + 10);
        var input = $"Authentication-Results: ({comment}) mx.ingest.example; none\r\n\r\nbody\r\n";
        Assert.Equal(input, Run([Encoding.ASCII.GetBytes(input)], capacity: 4096));
    }

    [Fact]
    public void TheBodyIsNeverLookedAt()
    {
        var filter = new AuthenticationResultsFilter(Ours);
        var buffer = Encoding.ASCII.GetBytes("A: b\r\n\r\nAuthentication-Results: mx.ingest.example; none\r\n");
        Assert.Equal(buffer.Length, filter.Append(buffer, 0, buffer.Length));
        Assert.True(filter.InBody);
    }

    /// <summary>Drives the filter as the session does: pieces appended into a chunk buffer, written when full.</summary>
    private static string Run(IEnumerable<byte[]> pieces, int capacity)
    {
        var filter = new AuthenticationResultsFilter(Ours);
        var buffer = new byte[capacity];
        var output = new List<byte>();
        var fill = 0;

        void Write(bool end)
        {
            if (end)
            {
                filter.Release();
            }

            var ready = filter.HeldFrom(fill);
            if (ready == 0 && fill > capacity / 2)
            {
                filter.Release();
                ready = fill;
            }

            output.AddRange(buffer.AsSpan(0, ready).ToArray());
            buffer.AsSpan(ready, fill - ready).CopyTo(buffer);
            filter.Shift(ready);
            fill -= ready;
        }

        foreach (var piece in pieces)
        {
            var offset = 0;
            while (offset < piece.Length)
            {
                var take = Math.Min(piece.Length - offset, capacity - fill);
                piece.AsSpan(offset, take).CopyTo(buffer.AsSpan(fill));
                fill = filter.Append(buffer, fill, fill + take);
                offset += take;
                if (fill == capacity)
                {
                    Write(end: false);
                }
            }
        }

        Write(end: true);
        return Encoding.ASCII.GetString(output.ToArray());
    }

    private static IEnumerable<(string Cut, byte[][] Pieces)> Cuts(byte[] input)
    {
        yield return ("whole", [input]);
        for (var split = 1; split < input.Length; split++)
        {
            yield return ($"split at {split}", [input[..split], input[split..]]);
        }

        yield return ("byte by byte", input.Select(b => new[] { b }).ToArray());
    }
}
