return await Ingest.Host.IngestApp.RunAsync(args);
