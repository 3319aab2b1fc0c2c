using System.Text;
using Ingest.LoadTest;

namespace Ingest.LoadTest.Tests;

public sealed class SentContentTests
{
    [Theory]
    [InlineData("Received: from a\r\n", true)]
    [InlineData("Received: from a\r\n\tby b; date\r\nReceived: from c\r\n", true)]
    [InlineData("Authentication-Results: gw; spf=pass\r\nReceived: from a\r\n", true)]
    [InlineData("\tReceived: from a\r\n", false)]
    [InlineData("Received: from a\r\nSubject: x\r\n", false)]
    [InlineData("Received: from a", false)]
    [InlineData("", false)]
    public void OnlyTraceFieldsCountAsTheGatewaysPrefix(string prefix, bool trace) =>
        Assert.Equal(trace, SentContent.IsTracePrefix(Encoding.ASCII.GetBytes(prefix)));

    [Fact]
    public void TheIdHeaderIsFoundOnlyAtTheStartOfALine()
    {
        var id = Guid.NewGuid();
        var value = Encoding.ASCII.GetBytes($"Received: x {MessageFactory.IdHeaderName}: {Guid.NewGuid():D}\r\n{MessageFactory.IdHeaderName}: {id:D}\r\n\r\nbody\r\n");

        var at = SentContent.Locate(value, out var found);

        Assert.Equal(id, found);
        Assert.Equal(Encoding.ASCII.GetString(value).IndexOf("\r\n", StringComparison.Ordinal) + 2, at);
    }
}
