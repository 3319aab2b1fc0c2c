using Ingest.Kafka.Mock;

// A mock cluster in a process of its own, for scripts that run the real gateway process against
// it. Prints "bootstrap.servers=<list>", then takes one command per line on stdin and answers
// "ok" or "error: <why>" to each. End of input (or "quit") stops the cluster.
//
//   topic <name> <partitions>   create a topic
//   rtt <milliseconds>          every broker delays its responses this long (0: no delay)
//   down | up                   every broker stops or starts answering
var brokers = args.Length > 0 && int.TryParse(args[0], out var count) && count is > 0 and < 10 ? count : 3;
using var cluster = new MockCluster(brokers);
Console.WriteLine("bootstrap.servers=" + cluster.BootstrapServers);
while (Console.ReadLine() is { } line)
{
    var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    try
    {
        switch (words)
        {
            case ["topic", var name, var partitions]:
                cluster.CreateTopic(name, int.Parse(partitions, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ["rtt", var milliseconds]:
                cluster.SetRoundTrip(TimeSpan.FromMilliseconds(int.Parse(milliseconds, System.Globalization.CultureInfo.InvariantCulture)));
                break;
            case ["down"]:
                cluster.BrokersDown();
                break;
            case ["up"]:
                cluster.BrokersUp();
                break;
            case ["quit"]:
                return 0;
            case []:
                continue;
            default:
                Console.WriteLine("error: unknown command " + words[0]);
                continue;
        }

        Console.WriteLine("ok");
    }
    catch (Exception exception) when (exception is InvalidOperationException or FormatException or OverflowException)
    {
        Console.WriteLine("error: " + exception.Message);
    }
}

return 0;
