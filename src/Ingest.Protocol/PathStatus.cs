namespace Ingest.Protocol;

public enum PathStatus : byte
{
    Ok,
    NullPath,
    Invalid,
    TooLong,
}
