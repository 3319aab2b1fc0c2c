using Ingest.Fuzz.Targets;
using SharpFuzz;

// Usage: Ingest.Fuzz <target>            run under afl-fuzz (tests/fuzz/run.sh), input on stdin
//        Ingest.Fuzz <target> <file>...  replay files once each, without AFL (triage)
// Replay only with the uninstrumented build: instrumented code writes its trace to AFL's shared memory.
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Ingest.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}> [file ...]");
    return 2;
}

if (args.Length > 1)
{
    var failed = 0;
    foreach (var file in args[1..])
    {
        try
        {
            target(File.ReadAllBytes(file));
            Console.WriteLine($"ok    {file}");
        }
        catch (Exception exception)
        {
            failed++;
            Console.WriteLine($"FAIL  {file}: {exception}");
        }
    }

    return failed == 0 ? 0 : 1;
}

// Out of process: a child that dies (a stack overflow, a timeout) is restarted rather than ending the run.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    target(memory.ToArray());
});
return 0;
