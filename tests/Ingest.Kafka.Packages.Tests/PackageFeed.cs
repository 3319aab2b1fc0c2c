using System.Reflection;

namespace Ingest.Kafka.Packages.Tests;

/// <summary>The folder the packages were restored from and their version, as this project was built with them.</summary>
internal static class PackageFeed
{
    public static string Folder { get; } = Metadata("IngestPackageFeed");

    public static string Version { get; } = Metadata("IngestPackageVersion");

    public static string Package(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    public static string Symbols(string id) => Path.Combine(Folder, $"{id}.{Version}.snupkg");

    private static string Metadata(string key) =>
        typeof(PackageFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}
