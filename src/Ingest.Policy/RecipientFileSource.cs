using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Ingest.Policy;

/// <summary>
/// The recipient file as last read successfully, reread in the background when its stamp changes
/// (checked once a second on the <see cref="TimeProvider"/>'s clock). A broken new file is logged
/// and the entries read before keep applying: refusing everyone for an operator's typo is worse.
/// </summary>
public sealed class RecipientFileSource : IDisposable
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _reloading = new();
    private RecipientFile _file;
    private FileStamp _stamp;

    private RecipientFileSource(string path, RecipientFile file, FileStamp stamp, TimeProvider time, ILogger logger)
    {
        _path = path;
        _file = file;
        _stamp = stamp;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((RecipientFileSource)state!).ReloadIfChanged(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public RecipientFile Current => Volatile.Read(ref _file);

    public static bool TryCreate(string path, TimeProvider time, ILogger logger, [NotNullWhen(true)] out RecipientFileSource? source, out List<string> errors)
    {
        source = null;
        // Stamped before reading, so a change made during the read is seen as a change next time.
        var stamp = FileStamp.Of(path);
        if (!RecipientFile.TryLoad(path, out var file, out errors))
        {
            return false;
        }

        source = new RecipientFileSource(path, file, stamp, time, logger);
        return true;
    }

    /// <summary>Rereads the file if its stamp changed; the timer calls it, tests may too.</summary>
    internal void ReloadIfChanged()
    {
        if (!_reloading.TryEnter())
        {
            return;
        }

        try
        {
            var stamp = FileStamp.Of(_path);
            if (stamp == _stamp)
            {
                return;
            }

            // Remembered even when the load fails, so a broken file is reported once, not every second.
            _stamp = stamp;
            if (RecipientFile.TryLoad(_path, out var file, out var errors))
            {
                Volatile.Write(ref _file, file);
                PolicyLog.RecipientFileReloaded(_logger, _path, file.Count);
            }
            else
            {
                PolicyLog.RecipientFileReloadFailed(_logger, _path, errors[0], _file.Count);
            }
        }
        finally
        {
            _reloading.Exit();
        }
    }

    public void Dispose() => _timer.Dispose();
}
