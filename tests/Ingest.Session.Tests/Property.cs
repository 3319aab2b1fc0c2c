using CsCheck;

namespace Ingest.Session.Tests;

/// <summary>
/// CsCheck sampling, plus one minimization of the smallest failing case before it is reported:
/// the report holds CsCheck's seed and counterexample, then the minimized case and its failure.
/// </summary>
internal static class Property
{
    /// <summary>
    /// Case counts sized for every test run on a busy 2-core machine. CsCheck_Iter overrides them,
    /// to search further, or to give a failure replayed with CsCheck_Seed more tries at shrinking.
    /// </summary>
    public static long Iterations(long count) => Environment.GetEnvironmentVariable("CsCheck_Iter") is null ? count : Check.Iter;

    /// <param name="minimize">Given a failing case and a test for "still fails", returns a smaller failing case.</param>
    public static async Task CheckAsync<T>(
        Gen<T> cases, Func<T, Task> assert, long iter, Func<T, string> print, Func<T, Func<T, Task<bool>>, Task<T>> minimize)
        where T : class
    {
        var gate = new Lock();
        T? smallest = null;
        var smallestSize = int.MaxValue;
        try
        {
            await cases.SampleAsync(async c =>
            {
                try
                {
                    await assert(c);
                }
                catch
                {
                    // CsCheck's shrinking runs on several threads; keep the smallest failure it meets.
                    var size = print(c).Length;
                    lock (gate)
                    {
                        (smallest, smallestSize) = size < smallestSize ? (c, size) : (smallest, smallestSize);
                    }

                    throw;
                }
            }, iter: iter, print: print);
        }
        catch (CsCheckException sampled) when (smallest is not null)
        {
            var minimal = await minimize(smallest, async c => await FailureOf(c) is not null);
            var failure = await FailureOf(minimal);
            throw new FailedException(
                $"{sampled.Message}\n\nMinimized (steps and octets removed while it still fails):\n{print(minimal)}\n---- {failure?.GetType().Name}: {failure?.Message}",
                sampled);
        }

        async Task<Exception?> FailureOf(T c)
        {
            try
            {
                await assert(c);
                return null;
            }
            catch (Exception exception)
            {
                return exception;
            }
        }
    }

    private sealed class FailedException(string message, Exception inner) : Exception(message, inner);
}
