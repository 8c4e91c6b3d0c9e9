#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Websocket echo throughput: the AioHttp cmdlets against a raw System.Net.WebSockets.ClientWebSocket
    loop written in PowerShell, in the same run, against the test server's /ws/echo.
.DESCRIPTION
    Two shapes of a 10,000-message echo round trip, each timed for both clients:
      batch      send all messages, then receive all the echoes
                 (cmdlets: '1..N | Send-AioWebSocket' then 'Receive-AioWebSocket -Count N')
      lock-step  send one, wait for its echo, repeat
                 (cmdlets: Send-AioWebSocket, then Receive-AioWebSocket -Count 1, N times)
    The raw loop is timed twice: driven from PowerShell (what a script without the module would
    do) and compiled (C# via Add-Type: the ceiling of the socket itself, no PowerShell in the loop).
    Prints messages per second for each and the ratios cmdlets/raw (target: at least 0.5).
    Run by './build.ps1 -Task Bench', which passes -ModulePath and -ServerInfo (the ready file).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ServerInfo,
    [int] $Messages = 10000
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$info = Get-Content $ServerInfo -Raw | ConvertFrom-Json
$url = ($info.http -replace '^http', 'ws') + '/ws/echo'
$payloads = 1..$Messages | ForEach-Object { "message $_" }

function Test-Echoes([object[]] $Received, [string] $Label) {
    if ($Received.Count -ne $Messages) { throw "$Label received $($Received.Count) of $Messages echoes." }
    if ("$($Received[-1])" -ne $payloads[-1]) { throw "${Label}: the last echo was '$($Received[-1])', not '$($payloads[-1])'." }
}

# --- raw System.Net.WebSockets.ClientWebSocket, driven from PowerShell as a user would without the module
function New-RawSocket {
    $raw = [System.Net.WebSockets.ClientWebSocket]::new()
    $raw.Options.KeepAliveInterval = [TimeSpan]::Zero
    $null = $raw.ConnectAsync([uri]$url, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    $raw
}
$buffer = [byte[]]::new(65536)
function Send-Raw($raw, [string] $text) {
    $bytes = [Text.Encoding]::UTF8.GetBytes($text)
    $null = $raw.SendAsync([ArraySegment[byte]]::new($bytes), 'Text', $true, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
}
function Receive-Raw($raw) {
    $count = 0
    do {
        $r = $raw.ReceiveAsync([ArraySegment[byte]]::new($buffer, $count, $buffer.Length - $count), [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        $count += $r.Count
    } until ($r.EndOfMessage)
    [Text.Encoding]::UTF8.GetString($buffer, 0, $count)
}
function Close-Raw($raw) {
    $null = $raw.CloseAsync('NormalClosure', '', [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    $raw.Dispose()
}

# --- the same loops compiled: no PowerShell between frames
Add-Type -TypeDefinition @'
using System;
using System.Net.WebSockets;
using System.Text;
using System.Threading;

public static class CompiledEchoLoop
{
    public static double Run(string url, string[] payloads, bool lockStep)
    {
        using var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        ws.ConnectAsync(new Uri(url), CancellationToken.None).GetAwaiter().GetResult();
        var buffer = new byte[65536];
        string last = null;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        if (lockStep)
        {
            foreach (var p in payloads) { Send(ws, p); last = Receive(ws, buffer); }
        }
        else
        {
            foreach (var p in payloads) Send(ws, p);
            for (var i = 0; i < payloads.Length; i++) last = Receive(ws, buffer);
        }
        sw.Stop();
        if (last != payloads[payloads.Length - 1]) throw new InvalidOperationException("compiled loop: wrong last echo " + last);
        ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).GetAwaiter().GetResult();
        return payloads.Length / sw.Elapsed.TotalSeconds;
    }

    private static void Send(ClientWebSocket ws, string text) =>
        ws.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes(text)), WebSocketMessageType.Text, true, CancellationToken.None).GetAwaiter().GetResult();

    private static string Receive(ClientWebSocket ws, byte[] buffer)
    {
        var count = 0;
        while (true)
        {
            var r = ws.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), CancellationToken.None).GetAwaiter().GetResult();
            count += r.Count;
            if (r.EndOfMessage) return Encoding.UTF8.GetString(buffer, 0, count);
        }
    }
}
'@

function Measure-Rate([scriptblock] $Run) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $Run
    $sw.Stop()
    $Messages / $sw.Elapsed.TotalSeconds
}

$results = [ordered]@{}

# Warm up both paths (JIT, connection) before timing.
$raw = New-RawSocket; foreach ($p in $payloads[0..199]) { Send-Raw $raw $p; $null = Receive-Raw $raw }; Close-Raw $raw
$ws = Connect-AioWebSocket $url; $payloads[0..199] | Send-AioWebSocket $ws; $null = Receive-AioWebSocket $ws -Count 200 -Timeout 30; Disconnect-AioWebSocket $ws

$raw = New-RawSocket
$results.BatchRaw = Measure-Rate {
    foreach ($p in $payloads) { Send-Raw $raw $p }
    $got = foreach ($i in 1..$Messages) { Receive-Raw $raw }
    Test-Echoes $got 'raw batch'
}
$results.LockStepRaw = Measure-Rate {
    $got = foreach ($p in $payloads) { Send-Raw $raw $p; Receive-Raw $raw }
    Test-Echoes $got 'raw lock-step'
}
Close-Raw $raw

$null = [CompiledEchoLoop]::Run($url, $payloads[0..999], $true)   # warm-up
$results.BatchCompiled = [CompiledEchoLoop]::Run($url, $payloads, $false)
$results.LockStepCompiled = [CompiledEchoLoop]::Run($url, $payloads, $true)

$ws = Connect-AioWebSocket $url
$results.BatchCmdlets = Measure-Rate {
    $payloads | Send-AioWebSocket $ws
    $got = Receive-AioWebSocket $ws -Count $Messages -Timeout 120
    Test-Echoes $got.Data 'cmdlet batch'
}
$results.LockStepCmdlets = Measure-Rate {
    $got = foreach ($p in $payloads) { Send-AioWebSocket $ws -Text $p; Receive-AioWebSocket $ws -Count 1 -Timeout 30 }
    Test-Echoes $got.Data 'cmdlet lock-step'
}
Disconnect-AioWebSocket $ws

$rows = @(
    , @('batch', $results.BatchCmdlets, $results.BatchRaw, $results.BatchCompiled)
    , @('lock-step', $results.LockStepCmdlets, $results.LockStepRaw, $results.LockStepCompiled)
)
"Websocket echo round trip, $Messages messages (messages per second; ratio = cmdlets / raw)"
'{0,-10} {1,10} {2,12} {3,8} {4,14} {5,8}' -f '', 'cmdlets', 'raw from PS', 'ratio', 'raw compiled', 'ratio'
foreach ($row in $rows) {
    $psRatio = $row[1] / $row[2]
    $compiledRatio = $row[1] / $row[3]
    '{0,-10} {1,10:N0} {2,12:N0} {3,8:N2} {4,14:N0} {5,8:N2}' -f $row[0], $row[1], $row[2], $psRatio, $row[3], $compiledRatio
    if ($psRatio -lt 0.5) { Write-Warning "$($row[0]): cmdlets reach $([math]::Round($psRatio, 2)) of the raw loop driven from PowerShell, below the 0.5 target." }
}
