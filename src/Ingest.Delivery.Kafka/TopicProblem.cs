namespace Ingest.Delivery.Kafka;

/// <summary>Why a routed topic cannot take records: a configuration error on the Kafka side.</summary>
public enum TopicProblem
{
    /// <summary>The topic exists and its limit fits the gateway's records (or it has not been checked yet).</summary>
    None,

    /// <summary>The broker does not know the topic (UNKNOWN_TOPIC_OR_PART) and does not create it.</summary>
    Missing,

    /// <summary>The broker refuses this client the topic (TOPIC_AUTHORIZATION_FAILED): an ACL is missing.</summary>
    Refused,

    /// <summary>The topic's max.message.bytes is below the smallest record the gateway can produce.</summary>
    LimitTooSmall,
}
