namespace Ingest.Session.Tests;

/// <summary>
/// Greedy delta debugging (Zeller and Hildebrandt, 2002) over a transcript's steps. CsCheck shrinks
/// by sampling afresh and keeping smaller failures, which among this many dimensions (steps,
/// octets, settings, cuts) seldom gets far; a session run is deterministic, so we can instead
/// take away what the failure does not need: whole steps, then halves, quarters, ... of each;
/// last, what is left becomes 'x' wherever the exact octets do not matter, for reading.
/// </summary>
internal static class Minimizer
{
    public static async Task<byte[][]> MinimizeAsync(byte[][] steps, Func<byte[][], Task<bool>> fails, int tries = 3000)
    {
        var budget = new Budget(tries);
        var current = steps.Where(step => step.Length > 0).ToArray();
        var progress = true;
        while (progress && budget.Left > 0)
        {
            progress = false;
            for (var i = current.Length - 1; i >= 0 && budget.Take(); i--)
            {
                byte[][] candidate = [.. current[..i], .. current[(i + 1)..]];
                if (await fails(candidate))
                {
                    current = candidate;
                    progress = true;
                }
            }

            for (var i = 0; i < current.Length; i++)
            {
                (current, var removed) = await EditRunsAsync(current, i, (step, start, run) => [.. step[..start], .. step[(start + run)..]], fails, budget);
                progress |= removed;
            }
        }

        for (var i = 0; i < current.Length; i++)
        {
            (current, _) = await EditRunsAsync(current, i, (step, start, run) => [.. step[..start], .. Enumerable.Repeat((byte)'x', run), .. step[(start + run)..]], fails, budget);
        }

        return current;
    }

    /// <summary>Tries an edit on every run of step <paramref name="i"/>, halving the run length down to one octet.</summary>
    private static async Task<(byte[][] Steps, bool Changed)> EditRunsAsync(
        byte[][] steps, int i, Func<byte[], int, int, byte[]> edit, Func<byte[][], Task<bool>> fails, Budget budget)
    {
        var changed = false;
        for (var run = steps[i].Length / 2; run >= 1 && budget.Left > 0; run /= 2)
        {
            for (var start = 0; start + run <= steps[i].Length && budget.Left > 0;)
            {
                var before = steps[i];
                var candidate = (byte[][])steps.Clone();
                candidate[i] = edit(before, start, run);
                if (!candidate[i].AsSpan().SequenceEqual(before) && budget.Take() && await fails(candidate))
                {
                    steps = candidate;
                    changed = true;
                    if (candidate[i].Length < before.Length)
                    {
                        // Removed: what followed the run now starts here.
                        continue;
                    }
                }

                start += run;
            }
        }

        return (steps, changed);
    }

    private sealed class Budget(int tries)
    {
        public int Left { get; private set; } = tries;

        public bool Take() => Left-- > 0;
    }
}
