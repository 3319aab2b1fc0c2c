using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;
using Ingest.Kafka.Consumer;
using Ingest.Kafka.Records;

namespace Ingest.Kafka.Packages.Tests;

/// <summary>What `dotnet pack` put into the packages: the things a consumer reads before any code runs.</summary>
public sealed class PackageContentTests
{
    public static TheoryData<string, Type> Packages => new()
    {
        { "Ingest.Kafka.Records", typeof(Reassembler) },
        { "Ingest.Kafka.Consumer", typeof(KafkaMessageReader) },
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void PackageCarriesItsReadmeLicenseCommitAndTheDocsOfEveryPublicType(string id, Type sample)
    {
        using var package = ZipFile.OpenRead(PackageFeed.Package(id));
        var entries = package.Entries.Select(entry => entry.FullName).ToHashSet();
        Assert.Contains("README.md", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        // No stowaways: librdkafka's Windows DLLs reach consumers through librdkafka.redist, not as our content.
        Assert.DoesNotContain(entries, entry => entry.StartsWith("content", StringComparison.Ordinal));

        var nuspec = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal(PackageFeed.Version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.Equal(("expression", "MIT"), (metadata.Element(ns + "license")!.Attribute("type")!.Value, metadata.Element(ns + "license")!.Value));
        Assert.Matches("^[0-9a-f]{40}$", metadata.Element(ns + "repository")!.Attribute("commit")!.Value);

        // The XML docs name every public type of the assembly the package holds (CS1591 enforces members).
        var docs = XDocument.Load(package.GetEntry($"lib/net10.0/{id}.xml")!.Open());
        var documented = docs.Descendants("member").Select(member => member.Attribute("name")!.Value).ToHashSet();
        Assert.All(sample.Assembly.GetExportedTypes(), type => Assert.Contains("T:" + type.FullName, documented));
        Assert.Contains(documented, name => name.StartsWith("M:", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void SymbolPackageHoldsTheAssemblysPortablePdbWithNormalisedSourcePaths(string id, Type sample)
    {
        _ = sample;
        using var package = ZipFile.OpenRead(PackageFeed.Package(id));
        using var symbols = ZipFile.OpenRead(PackageFeed.Symbols(id));
        using var dll = new PEReader(Copy(package.GetEntry($"lib/net10.0/{id}.dll")!));
        using var pdb = MetadataReaderProvider.FromPortablePdbStream(Copy(symbols.GetEntry($"lib/net10.0/{id}.pdb")!));
        var reader = pdb.GetMetadataReader();

        // The PDB is the one the DLL names in its debug directory.
        var codeView = dll.ReadCodeViewDebugDirectoryData(dll.ReadDebugDirectory().Single(entry => entry.Type == DebugDirectoryEntryType.CodeView));
        Assert.Equal(codeView.Guid, new BlobContentId(reader.DebugMetadataHeader!.Id).Guid);
        Assert.Contains(dll.ReadDebugDirectory(), entry => entry.Type == DebugDirectoryEntryType.Reproducible);

        // ContinuousIntegrationBuild (.ci/packages packs with it): no build machine's path in the PDB,
        // so the same commit gives the same bytes anywhere, and SourceLink maps /_/ to the repository.
        var documents = reader.Documents.Select(handle => reader.GetString(reader.GetDocument(handle).Name)).ToList();
        Assert.NotEmpty(documents);
        Assert.All(documents, document => Assert.StartsWith("/_/", document, StringComparison.Ordinal));
    }

    [Fact]
    public void TheseTestsRunOnThePackagedAssembliesNotTheSourceTree()
    {
        // The deps file says where each assembly came from: a "package" library, not a "project".
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(typeof(PackageContentTests).Assembly.Location, ".deps.json")));
        var libraries = deps.RootElement.GetProperty("libraries");
        foreach (var assembly in new[] { typeof(Reassembler).Assembly, typeof(KafkaMessageReader).Assembly })
        {
            var name = assembly.GetName().Name!;
            var library = libraries.GetProperty($"{name}/{PackageFeed.Version}");
            Assert.Equal("package", library.GetProperty("type").GetString());
            Assert.Equal($"{name.ToLowerInvariant()}/{PackageFeed.Version.ToLowerInvariant()}", library.GetProperty("path").GetString());
            Assert.StartsWith(PackageFeed.Version, assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion, StringComparison.Ordinal);
        }
    }

    private static MemoryStream Copy(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return copy;
    }
}
