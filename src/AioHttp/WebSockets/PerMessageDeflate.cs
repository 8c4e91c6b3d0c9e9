namespace AioHttp;

/// <summary>Reads what the server agreed to in Sec-WebSocket-Extensions for permessage-deflate (RFC 7692).</summary>
public static class PerMessageDeflate
{
    /// <summary>
    /// The window bits the server compresses with (aiohttp's ws.compress): 15 unless it says
    /// server_max_window_bits=N; 0 when permessage-deflate was not accepted.
    /// </summary>
    public static int NegotiatedWindowBits(string? extensionsHeader)
    {
        if (string.IsNullOrWhiteSpace(extensionsHeader)) return 0;
        foreach (var extension in extensionsHeader.Split(','))
        {
            var parts = extension.Split(';');
            if (!parts[0].Trim().Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase)) continue;
            var bits = 15;
            foreach (var parameter in parts.Skip(1))
            {
                var pair = parameter.Split('=', 2);
                if (!pair[0].Trim().Equals("server_max_window_bits", StringComparison.OrdinalIgnoreCase) || pair.Length < 2) continue;
                if (int.TryParse(pair[1].Trim().Trim('"'), out var n) && n is >= 8 and <= 15) bits = n;
            }
            return bits;
        }
        return 0;
    }

    /// <summary>
    /// The first extension in the server's Sec-WebSocket-Extensions that the client did not offer, or
    /// null when there is none. The client offers at most permessage-deflate (with -Compress), once.
    /// </summary>
    public static string? UnofferedExtension(string? extensionsHeader, bool offeredDeflate)
    {
        if (string.IsNullOrWhiteSpace(extensionsHeader)) return null;
        var deflates = 0;
        foreach (var extension in extensionsHeader.Split(','))
        {
            var name = extension.Split(';')[0].Trim();
            if (name.Length == 0) continue;
            if (!offeredDeflate || !name.Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase) || ++deflates > 1) return name;
        }
        return null;
    }
}
