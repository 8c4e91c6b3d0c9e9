using System.Text;
using AioHttp.TestServer.Endpoints;
using AioHttp.TestServer.Hosting;
using AioHttp.TestServer.Raw;
using AioHttp.TestServer.Recording;

// Usage: TestServer.dll --ready-file <path> [--parent-pid <pid>]
var options = ServerArgs.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: TestServer --ready-file <path> [--parent-pid <pid>]");
    return 2;
}

Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
builder.WebHost.ConfigureKestrel(KestrelSetup.Configure);

var app = builder.Build();
app.UseMiddleware<RequestRecorderMiddleware>();

EchoEndpoints.Map(app);
RedirectEndpoints.Map(app);
CookieEndpoints.Map(app);
AuthEndpoints.Map(app);
CompressionEndpoints.Map(app);
StreamingEndpoints.Map(app);
RecordStreamEndpoints.Map(app);
ContentEndpoints.Map(app);
UploadEndpoints.Map(app);
HeaderEndpoints.Map(app);
PagingEndpoints.Map(app);
DiagnosticsEndpoints.Map(app);
ArrivalEndpoints.Map(app);
WebSocketEndpoints.Map(app);
ScriptedServer.Map(app);

await app.StartAsync();

using var raw = new RawServer();
raw.Start();
using var scripted = new ScriptedServer();
scripted.Start();

var ready = ReadyFile.Describe(KestrelSetup.Port(KestrelSetup.Http), KestrelSetup.Port(KestrelSetup.Http2),
    raw.Port, KestrelSetup.Port(KestrelSetup.H2c), KestrelSetup.Port(KestrelSetup.Https), KestrelSetup.UnixSocketPath, DescribeTls(), scripted.Port);
if (options.ReadyFile is { } readyPath)
    ReadyFile.Write(readyPath, ready);
else
    Console.Error.WriteLine(ready);

if (options.ParentPid is { } parentPid)
    ParentWatcher.Start(parentPid, app.Lifetime);

await app.WaitForShutdownAsync();
KestrelSetup.Certificates?.Dispose();
try { Directory.Delete(Path.GetDirectoryName(KestrelSetup.UnixSocketPath)!, recursive: true); } catch (IOException) { }
return 0;

// The TLS endpoints and the PEM files a client needs for them.
static System.Text.Json.Nodes.JsonObject DescribeTls()
{
    var certs = KestrelSetup.Certificates!;
    string Url(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? lo) => $"https://127.0.0.1:{KestrelSetup.Port(lo)}";
    return new System.Text.Json.Nodes.JsonObject
    {
        ["trusted"] = Url(KestrelSetup.HttpsCa),
        ["expired"] = Url(KestrelSetup.HttpsExpired),
        ["wrongHost"] = Url(KestrelSetup.HttpsWrongHost),
        ["clientAuth"] = Url(KestrelSetup.HttpsClientAuth),
        ["tls12Only"] = Url(KestrelSetup.HttpsTls12Only),
        ["tls13Only"] = Url(KestrelSetup.HttpsTls13Only),
        ["caFile"] = certs.CaPem,
        ["clientCert"] = certs.ClientCertPem,
        ["clientKey"] = certs.ClientKeyPem,
        ["clientCombined"] = certs.ClientCombinedPem,
        ["otherKey"] = certs.OtherKeyPem,
        ["fingerprint"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certs.Server.RawData)),
    };
}
