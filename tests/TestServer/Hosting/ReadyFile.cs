using System.Text.Json.Nodes;

namespace AioHttp.TestServer.Hosting;

/// <summary>The ready file the test run and Demo wait for; written atomically (temp + rename).</summary>
public static class ReadyFile
{
    public static string Describe(int httpPort, int http2Port, int rawPort, int h2cPort, int httpsPort, string unixSocket, JsonObject? tls = null, int scriptedPort = 0) => new JsonObject
    {
        ["tls"] = tls,
        ["http"] = $"http://127.0.0.1:{httpPort}",
        ["http2"] = $"http://127.0.0.1:{http2Port}",
        ["raw"] = $"http://127.0.0.1:{rawPort}",
        ["h2c"] = $"http://127.0.0.1:{h2cPort}",
        ["https"] = $"https://127.0.0.1:{httpsPort}",
        ["unix"] = unixSocket,
        ["scripted"] = $"http://127.0.0.1:{scriptedPort}",
        ["pid"] = Environment.ProcessId,
    }.ToJsonString();

    public static void Write(string path, string json)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var tmp = $"{full}.{Environment.ProcessId}.tmp";
        File.WriteAllText(tmp, json);
        File.Move(tmp, full, overwrite: true);
    }
}
