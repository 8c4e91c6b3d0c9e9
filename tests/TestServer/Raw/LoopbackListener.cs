using System.Net;
using System.Net.Sockets;

namespace AioHttp.TestServer.Raw;

/// <summary>
/// A hand-written TCP listener on 127.0.0.1 (a free port): accepts until disposed and hands each
/// connection to <see cref="Serve"/> on the thread pool. The raw and scripted peers build on it.
/// </summary>
public abstract class LoopbackListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public int Port { get; private set; }

    /// <summary>Cancelled when the listener is disposed.</summary>
    protected CancellationToken Stopping => _stop.Token;

    public void Start()
    {
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoop();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        GC.SuppressFinalize(this);
    }

    protected abstract Task Serve(Socket socket);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            _ = Task.Run(() => Serve(socket));
        }
    }

    /// <summary>FIN first, then drain what the client still sends (up to 2 s), so nothing already sent gets reset.</summary>
    protected static async Task CloseGracefully(Socket socket, NetworkStream stream)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            await WaitForPeerClose(stream, TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Reads (and drops) what arrives until the client closes, at most <paramref name="limit"/>.</summary>
    protected static async Task WaitForPeerClose(NetworkStream stream, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        var sink = new byte[8192];
        try
        {
            while (await stream.ReadAsync(sink, cts.Token) > 0) { }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
