namespace AioHttp.TestServer.Hosting;

/// <summary>Command-line options: --ready-file &lt;path&gt; and --parent-pid &lt;pid&gt;.</summary>
public sealed record ServerArgs(string? ReadyFile, int? ParentPid)
{
    public static ServerArgs? Parse(string[] args)
    {
        string? readyFile = null;
        int? parentPid = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (a)
            {
                case "--ready-file":
                    readyFile = Next();
                    if (readyFile is null) return null;
                    break;
                case "--parent-pid":
                    if (!int.TryParse(Next(), out var pid)) return null;
                    parentPid = pid;
                    break;
                case "-h" or "--help":
                    return null;
                default:
                    Console.Error.WriteLine($"unknown argument: {a}");
                    return null;
            }
        }
        return new ServerArgs(readyFile, parentPid);
    }
}
