using System.Net;
using Ingest.FaultProxy;

// Usage: Ingest.FaultProxy [--kafka] TARGET[,TARGET...]
//   Listens on one 127.0.0.1 port per target (chosen by the OS) and on a control port, and prints
//   "fault proxy listening on ADDR,ADDR,... control PORT" once ready. On the control port, one line
//   per command: "reset" (every connection reset now), "blackhole SECONDS" (all traffic held, new
//   connections too, then released), "heal" (release now). Answers "ok" or "error: ...".
//   --kafka: rewrite broker ports in Kafka Metadata responses to the proxy's own ports.
var kafka = args.Contains("--kafka");
var targets = args.Where(arg => arg != "--kafka").SelectMany(arg => arg.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
if (targets.Count == 0 || targets.Any(target => !IPEndPoint.TryParse(target, out var parsed) || parsed.Port == 0))
{
    await Console.Error.WriteLineAsync("usage: Ingest.FaultProxy [--kafka] HOST:PORT[,HOST:PORT...]  (addresses, not names)");
    return 1;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

var proxy = new FaultProxy([.. targets.Select(IPEndPoint.Parse)], kafka);
await proxy.StartAsync(stop.Token);
Console.WriteLine($"fault proxy listening on {string.Join(",", proxy.ListenEndPoints)} control {proxy.ControlEndPoint.Port}");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

await proxy.DisposeAsync();
return 0;
