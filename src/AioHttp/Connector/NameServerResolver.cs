using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace AioHttp;

/// <summary>
/// aiohttp's AsyncResolver(nameservers=...): asks the session's own DNS servers for A and AAAA
/// records, with DnsClient. This is the only class that uses DnsClient (a third-party assembly that
/// the module loads into a private load context), so sessions without name servers never load it.
/// </summary>
internal sealed class NameServerResolver
{
    private readonly LookupClient _client;
    private readonly string _servers;

    public NameServerResolver(IReadOnlyList<IPEndPoint> nameServers)
    {
        _servers = string.Join(", ", nameServers.Select(s => s.ToString()));
        _client = new LookupClient(new LookupClientOptions(nameServers.ToArray())
        {
            UseCache = false,              // the session keeps its own cache (HostResolver), clearable
            Timeout = TimeSpan.FromSeconds(2),
            Retries = 1,
            UseTcpFallback = true,         // truncated UDP answers are asked again over TCP
            ThrowDnsErrors = false,        // NXDOMAIN and friends come back as a response code
            UseRandomNameServer = false,   // the servers are tried in the order given
            ContinueOnDnsError = true,
            ContinueOnEmptyResponse = false,
        });
    }

    public async Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        IDnsQueryResponse v4, v6;
        try
        {
            var a = _client.QueryAsync(host, QueryType.A, QueryClass.IN, cancellationToken);
            var aaaa = _client.QueryAsync(host, QueryType.AAAA, QueryClass.IN, cancellationToken);
            v4 = await a.ConfigureAwait(false);
            v6 = await aaaa.ConfigureAwait(false);
        }
        catch (DnsResponseException ex)
        {
            throw new ClientConnectorDnsException(host, port,
                $"the name server {_servers} did not answer ({ex.Code}: {ex.Message}). " +
                "Check that the -NameServer address and port are right and that a DNS server is running there.", ex);
        }
        catch (SocketException ex)
        {
            throw new ClientConnectorDnsException(host, port,
                $"the name server {_servers} cannot be reached ({ex.SocketErrorCode}: {ex.Message}). " +
                "Check the -NameServer address and port.", ex);
        }

        var addresses = v4.Answers.ARecords().Select(r => r.Address)
            .Concat(v6.Answers.AaaaRecords().Select(r => r.Address))
            .Distinct()
            .ToArray();
        if (addresses.Length == 0)
        {
            var code = v4.HasError ? v4.ErrorMessage : v6.HasError ? v6.ErrorMessage : "no A or AAAA records";
            throw new ClientConnectorDnsException(host, port,
                $"the name does not resolve through the name server {_servers} ({code}). Check the host name.");
        }
        return addresses;
    }
}
