using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Ingest.Policy;

/// <summary>
/// The recipients the gateway takes mail for, one entry a line ('#' starts a comment):
/// <c>alice@example.com</c> exactly; <c>*@example.com</c> anyone at example.com; <c>*@*.example.com</c>
/// anyone at any subdomain; <c>alice+*@example.com</c> local parts starting with "alice+" (subaddresses).
/// Matching is case-insensitive (RFC 5321 2.4 lets a server treat local parts so; every deployed
/// mailbox store does). Lookups probe hash sets over a stack buffer: no allocation per RCPT.
/// </summary>
public sealed class RecipientFile
{
    public const long MaxFileSize = 64L * 1024 * 1024;

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _addresses;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _anyAt;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _anyBelow;
    private readonly Dictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _prefixes;

    private RecipientFile(HashSet<string> addresses, HashSet<string> anyAt, HashSet<string> anyBelow, Dictionary<string, string[]> prefixes)
    {
        Count = addresses.Count + anyAt.Count + anyBelow.Count + prefixes.Values.Sum(list => list.Length);
        _addresses = addresses.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyAt = anyAt.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyBelow = anyBelow.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixes = prefixes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Entries read.</summary>
    public int Count { get; }

    /// <summary>Whether <paramref name="local"/>@<paramref name="domain"/> is listed.</summary>
    public bool Contains(ReadOnlySpan<char> local, ReadOnlySpan<char> domain)
    {
        if (_anyAt.Contains(domain))
        {
            return true;
        }

        for (var rest = domain; rest.IndexOf('.') is var dot and >= 0;)
        {
            rest = rest[(dot + 1)..];
            if (_anyBelow.Contains(rest))
            {
                return true;
            }
        }

        if (_prefixes.TryGetValue(domain, out var prefixes))
        {
            foreach (var prefix in prefixes)
            {
                if (local.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        // local@domain, probed through one stack buffer.
        Span<char> address = stackalloc char[local.Length + 1 + domain.Length];
        local.CopyTo(address);
        address[local.Length] = '@';
        domain.CopyTo(address[(local.Length + 1)..]);
        return _addresses.Contains(address);
    }

    /// <summary>Reads the file; false with every problem (by line number, at most 20) when it cannot be used.</summary>
    public static bool TryLoad(string path, [NotNullWhen(true)] out RecipientFile? file, out List<string> errors)
    {
        file = null;
        errors = [];
        byte[] content;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                errors.Add("does not exist");
                return false;
            }

            if (info.Length > MaxFileSize)
            {
                errors.Add($"is larger than {MaxFileSize} octets");
                return false;
            }

            content = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            errors.Add("cannot be read: " + exception.Message);
            return false;
        }

        return TryParse(Encoding.UTF8.GetString(content), out file, errors);
    }

    internal static bool TryParse(string content, [NotNullWhen(true)] out RecipientFile? file, List<string> errors)
    {
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var anyAt = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var anyBelow = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var prefixes = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        foreach (var rawLine in content.Split('\n'))
        {
            number++;
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? rawLine[..hash] : rawLine).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var at = line.LastIndexOf('@');
            var local = at > 0 ? line[..at] : "";
            var domain = at > 0 ? line[(at + 1)..] : "";
            var below = domain.StartsWith("*.", StringComparison.Ordinal);
            var domainName = below ? domain[2..] : domain;
            if (local.Length == 0 || local.Length > 64 || line.Any(char.IsWhiteSpace) || !AcceptedDomains.IsValidEntry(domainName, out _)
                || (below && local != "*") || local.IndexOf('*', StringComparison.Ordinal) is var star && star >= 0 && star != local.Length - 1)
            {
                if (errors.Count < 20)
                {
                    errors.Add($"line {number}: '{(line.Length > 80 ? line[..80] : line)}' is not an address, *@domain, *@*.domain or prefix*@domain");
                }

                continue;
            }

            if (below)
            {
                anyBelow.Add(domainName);
            }
            else if (local == "*")
            {
                anyAt.Add(domain);
            }
            else if (local.EndsWith('*'))
            {
                if (!prefixes.TryGetValue(domain, out var list))
                {
                    prefixes[domain] = list = [];
                }

                list.Add(local[..^1]);
            }
            else
            {
                addresses.Add(line);
            }
        }

        file = errors.Count == 0 ? new RecipientFile(addresses, anyAt, anyBelow, prefixes.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.OrdinalIgnoreCase)) : null;
        return file is not null;
    }
}
