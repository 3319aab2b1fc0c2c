using Ingest.Tools.KafkaToMaildir;

// Usage: README.md (Kafka), or --help.
return await KafkaToMaildirCommand.Create().Parse(args).InvokeAsync();
