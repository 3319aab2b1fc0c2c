using Microsoft.Extensions.Options;

namespace Ingest.Host;

/// <summary>
/// Graceful drain on SIGTERM. Readiness fails at once (ApplicationStopping). The delay runs in
/// StoppingAsync, which the host calls for every hosted service before it stops any of them, so
/// Kestrel keeps serving for the drain delay while the load balancer takes the instance out. Only
/// then does Kestrel stop accepting and the sessions answer 421 4.3.2 (the session's shutdown).
/// </summary>
internal sealed class DrainService(GatewayState state, IHostApplicationLifetime lifetime, IOptions<ManagementOptions> options, TimeProvider time) : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(state.MarkStarted);
        lifetime.ApplicationStopping.Register(state.MarkDraining);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.MarkDraining();
        if (options.Value.DrainDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(options.Value.DrainDelay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ran out during the drain: stop now.
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
