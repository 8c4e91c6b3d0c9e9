using System.Diagnostics;

namespace AioHttp.TestServer.Hosting;

/// <summary>Stops the server when the parent process (--parent-pid) goes away; polls once a second.</summary>
public static class ParentWatcher
{
    public static void Start(int pid, IHostApplicationLifetime lifetime)
    {
        var thread = new Thread(() =>
        {
            Process? parent = null;
            try { parent = Process.GetProcessById(pid); } catch { /* already gone */ }
            while (parent is not null && IsAlive(parent))
                Thread.Sleep(1000);

            lifetime.StopApplication();
            Thread.Sleep(TimeSpan.FromSeconds(5));
            Environment.Exit(0); // shutdown hung: leave anyway
        })
        { IsBackground = true, Name = "parent-watcher" };
        thread.Start();
    }

    private static bool IsAlive(Process p)
    {
        try
        {
            p.Refresh();
            return !p.HasExited;
        }
        catch
        {
            return false;
        }
    }
}
