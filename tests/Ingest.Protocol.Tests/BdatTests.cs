namespace Ingest.Protocol.Tests;

/// <summary>RFC 3030 2: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF.</summary>
public class BdatTests
{
    [Theory]
    [InlineData("BDAT 0", 0L, false)]
    [InlineData("BDAT 1000", 1000L, false)]
    [InlineData("BDAT 1000 LAST", 1000L, true)]
    [InlineData("bdat 5 last", 5L, true)]
    [InlineData("BDAT 0 LAST", 0L, true)]
    [InlineData("BDAT 007", 7L, false)]
    [InlineData("BDAT 999999999999999999", 999999999999999999L, false)]
    public void ParserReadsChunkSizeAndLast(string line, long size, bool last)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(SmtpVerb.Bdat, parsed.Verb);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(size, parsed.ChunkSize);
        Assert.Equal(last, parsed.IsLastChunk);
    }

    // Without a readable size the chunk cannot be skipped, so the connection must close (421).
    [Theory]
    [InlineData("BDAT")]
    [InlineData("BDAT LAST")]
    [InlineData("BDAT x")]
    [InlineData("BDAT -1")]
    [InlineData("BDAT +1")]
    [InlineData("BDAT 1.5")]
    [InlineData("BDAT 0x10")]
    [InlineData("BDAT  10")]
    [InlineData("BDAT 1000000000000000000")]
    [InlineData("BDAT 99999999999999999999999999")]
    public void ParserMarksAMissingOrInvalidChunkSizeUnframeable(string line)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(SmtpVerb.Bdat, parsed.Verb);
        Assert.Equal(Rejection.UnframeableBdat, parsed.Rejection);
        Assert.True(Replies.ClosesConnection(parsed.Rejection));
    }

    // The size is readable, so the chunk is read and discarded and the session carries on.
    [Theory]
    [InlineData("BDAT 10 FIRST", 10L)]
    [InlineData("BDAT 10 LAST x", 10L)]
    [InlineData("BDAT 10 LASTX", 10L)]
    [InlineData("BDAT 10  LAST", 10L)]
    [InlineData("BDAT 42 \u0000", 42L)]
    public void ParserKeepsTheChunkSizeWhenTheRestIsGarbage(string line, long size)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(Rejection.InvalidArguments, parsed.Rejection);
        Assert.Equal(size, parsed.ChunkSize);
        Assert.False(parsed.IsLastChunk);
    }
}
