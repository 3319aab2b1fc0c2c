using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Ingest.SmtpServerPeer;
using SmtpServer;

// Usage: SmtpServerPeer PORT
// Listens on 127.0.0.1:PORT (loopback only) until SIGTERM or Ctrl+C; every message is dropped.
if (args.Length != 1 || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
{
    await Console.Error.WriteLineAsync("usage: SmtpServerPeer PORT   (listens on 127.0.0.1:PORT, drops every message)");
    return 1;
}

var options = new SmtpServerOptionsBuilder()
    .ServerName("smtpserver-peer.localhost")
    .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
    .Build();

var services = new SmtpServer.ComponentModel.ServiceProvider();
services.Add(new DropMessageStore());

using var stop = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });

var server = new SmtpServer.SmtpServer(options, services);
await Console.Out.WriteLineAsync($"SmtpServer peer listening on 127.0.0.1:{port}");
try
{
    await server.StartAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // SIGTERM or Ctrl+C: a normal stop.
}
return 0;
