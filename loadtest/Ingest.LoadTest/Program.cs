using Ingest.LoadTest;

// Usage and examples: loadtest/README.md, or --help.
return await LoadCommand.Create().Parse(args).InvokeAsync();
