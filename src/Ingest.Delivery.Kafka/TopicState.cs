namespace Ingest.Delivery.Kafka;

/// <summary>
/// What the watch last learnt of one routed topic: its problem, if any, and the largest record the
/// sink produces to it (<see cref="TopicLimits.RecordLimit"/>). <see cref="MaxMessageBytes"/> is 0
/// while the topic's own limit is unknown (not checked yet, or the broker did not say).
/// </summary>
public readonly record struct TopicState(TopicProblem Problem, int MaxMessageBytes, int RecordBytes)
{
    public bool IsUsable => Problem == TopicProblem.None;
}
