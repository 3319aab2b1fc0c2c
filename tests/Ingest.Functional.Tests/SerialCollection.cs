namespace Ingest.Functional.Tests;

/// <summary>
/// Tests that read process-wide state run alone: the OpenTelemetry SDK listens to every meter named
/// Ingest.Smtp in the process, so a gateway started by a parallel test would add to the counts.
/// </summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;
