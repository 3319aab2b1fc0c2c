using Ingest.Delivery.Kafka;
using Microsoft.Extensions.Options;

namespace Ingest.Host;

/// <summary>
/// Checks the Kafka settings when the Kafka sink is in use (explicitly, or because bootstrap servers
/// are set). Every message names its key. Whether a broker answers is not checked: the gateway must
/// start while Kafka is down.
/// </summary>
internal sealed class KafkaOptionsValidator(IOptions<DeliveryOptions> delivery) : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        if (delivery.Value.Effective(options) != SinkKind.Kafka)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        const string S = KafkaOptions.Section;
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            errors.Add($"{S}:BootstrapServers: must list the brokers (host:port[,host:port]) when {DeliveryOptions.Section}:Sink is Kafka.");
        }

        Topic(errors, $"{S}:DefaultTopic", options.DefaultTopic);
        foreach (var (domain, topic) in options.TopicsByDomain)
        {
            if (string.IsNullOrWhiteSpace(domain) || domain.Contains('@', StringComparison.Ordinal))
            {
                errors.Add($"{S}:TopicsByDomain:{domain}: must be a domain name.");
            }

            Topic(errors, $"{S}:TopicsByDomain:{domain}", topic);
        }

        SmtpOptionsValidator.Range(errors, $"{S}:MaxRecordBytes", options.MaxRecordBytes, 64 * 1024, 100 * 1024 * 1024);
        SmtpOptionsValidator.Range(errors, $"{S}:MaxInFlightBytes", options.MaxInFlightBytes, Math.Max(options.MaxRecordBytes, 1), 64L * 1024 * 1024 * 1024);
        SmtpOptionsValidator.Range(errors, $"{S}:MaxChunksInFlightPerMessage", options.MaxChunksInFlightPerMessage, 1, 1024);
        SmtpOptionsValidator.Positive(errors, $"{S}:DeliveryTimeout", options.DeliveryTimeout);
        if (options.DeliveryTimeout >= TimeSpan.FromMinutes(3))
        {
            // RFC 5321 4.5.3.2.5: a client waits 3 minutes per data block, and a budget wait holds one up.
            errors.Add($"{S}:DeliveryTimeout: {options.DeliveryTimeout} must be under 3 minutes (RFC 5321 4.5.3.2.5-6 client timeouts).");
        }

        SmtpOptionsValidator.Positive(errors, $"{S}:TopicRefreshInterval", options.TopicRefreshInterval);
        SmtpOptionsValidator.Positive(errors, $"{S}:TopicCheckTimeout", options.TopicCheckTimeout);
        foreach (var (key, value) in options.Producer)
        {
            if (string.Equals(key, "bootstrap.servers", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{S}:Producer:{key}: set {S}:BootstrapServers instead.");
            }

            // librdkafka refuses to produce a record over its message.max.bytes (Local_MsgSizeTooLarge):
            // every record would fail, every time.
            if (key == "message.max.bytes" && (!int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var bytes) || bytes < options.MaxRecordBytes + 1_000))
            {
                errors.Add($"{S}:Producer:message.max.bytes: {value} must be at least {S}:MaxRecordBytes + 1000 ({options.MaxRecordBytes + 1_000}) for the gateway's records to fit.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Topic(List<string> errors, string key, string topic)
    {
        // Kafka's own rule for topic names: 1 to 249 of [a-zA-Z0-9._-], and not "." or "..".
        if (topic.Length is 0 or > 249 || topic is "." or ".." || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            errors.Add($"{key}: '{topic}' is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -).");
        }
    }
}
