namespace Ingest.Fuzz.Targets;

/// <summary>The targets by the name given on the command line, the seed folders and the regression folders.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["command"] = CommandTarget.Run,
        ["data"] = DataTarget.Run,
        ["address"] = AddressTarget.Run,
        ["proxy"] = ProxyTarget.Run,
        ["xtext"] = XtextTarget.Run,
    };
}
