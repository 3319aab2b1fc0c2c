namespace Ingest.Protocol.Tests;

public class ParserAllocationTests
{
    // STYLE rule 1: parsing is allocation-free. Typical commands, valid and refused, parsed in a
    // loop after a warm-up (so JIT work is out of the way) must not allocate a single byte.
    [Fact]
    public void ParserDoesNotAllocate()
    {
        byte[][] lines =
        [
            "EHLO client.example"u8.ToArray(),
            "HELO [IPv6:2001:db8::1]"u8.ToArray(),
            "MAIL FROM:<user@example.com> SIZE=12345 BODY=8BITMIME SMTPUTF8"u8.ToArray(),
            "MAIL FROM:<>"u8.ToArray(),
            "MAIL FROM:<@a.example,@b.example:\"a b\"@c.example>"u8.ToArray(),
            "RCPT TO:<用户@例子.广告>"u8.ToArray(),
            "RCPT TO:<Postmaster>"u8.ToArray(),
            "RCPT TO:<a@example.com> NOTIFY=NEVER"u8.ToArray(),
            "RCPT TO:<a@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+2Bb@example.com"u8.ToArray(),
            "RCPT TO:<用户@例子.广告> ORCPT=utf-8;用户\\x{2B}@例子.广告"u8.ToArray(),
            "MAIL FROM:<a@example.com> RET=HDRS ENVID=QQ+2B314159 REQUIRETLS BODY=BINARYMIME"u8.ToArray(),
            "DATA"u8.ToArray(),
            "BDAT 1000 LAST"u8.ToArray(),
            "RSET"u8.ToArray(),
            "NOOP"u8.ToArray(),
            "VRFY postmaster"u8.ToArray(),
            "QUIT"u8.ToArray(),
            "XYZZY"u8.ToArray(),
            "MAIL FROM:<a@example.com> SIZE=99999999999999999999"u8.ToArray(),
        ];

        var checksum = ParseAll(lines, 1000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        checksum += ParseAll(lines, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }

    private static long ParseAll(byte[][] lines, int rounds)
    {
        long checksum = 0;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var line in lines)
            {
                var command = CommandParser.Parse(line);
                checksum += (int)command.Verb + (int)command.Rejection + command.Argument.Length + command.ChunkSize;
            }
        }

        return checksum;
    }
}
