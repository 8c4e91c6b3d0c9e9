# Shared set-up for the Pester tests: imports the built module and finds the test server that
# build.ps1 started (or starts one, when a test file is run on its own).
$ErrorActionPreference = 'Stop'

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

if (-not (Get-Module AioHttp)) {
    $modulePath = if ($env:AIOHTTP_MODULE) { $env:AIOHTTP_MODULE } else { Join-Path $script:RepoRoot 'out/AioHttp/AioHttp.psd1' }
    Import-Module $modulePath
}

function Get-TestServer {
    # Returns the server's addresses: http, http2 (a second origin) and raw (misbehaving responses).
    if (-not $env:AIOHTTP_TESTSERVER -or -not (Test-Path $env:AIOHTTP_TESTSERVER)) {
        $dll = Join-Path $script:RepoRoot 'out/testserver/TestServer.dll'
        if (-not (Test-Path $dll)) {
            & dotnet build (Join-Path $script:RepoRoot 'tests/TestServer/TestServer.csproj') -c Release -o (Split-Path $dll) --nologo -v q | Out-Null
        }
        $ready = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-testserver-$PID.json"
        Remove-Item $ready -ErrorAction SilentlyContinue
        $null = Start-Process dotnet -ArgumentList @($dll, '--ready-file', $ready, '--parent-pid', $PID) -PassThru
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path $ready)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'The test server did not start within 60 s.' }
            Start-Sleep -Milliseconds 100
        }
        $env:AIOHTTP_TESTSERVER = $ready
    }
    Get-Content $env:AIOHTTP_TESTSERVER -Raw | ConvertFrom-Json
}

function New-RawScript {
    # Registers a byte-exact script on the test server's scripted raw listener and returns its URL.
    # -Connections: one array of steps per connection (the last one repeats), each step a hashtable:
    #   @{ send = "HTTP/1.1 200 OK`r`n..." } (Latin-1 text), @{ sendBase64 = '...' }, @{ drip = '...'; intervalMs = 200 },
    #   @{ sleepMs = 500 }, @{ readRequest = $true }, @{ readMs = 300 }, @{ waitClose = 5000 }, @{ close = $true }, @{ reset = $true },
    #   @{ wsAccept = $true; headers = "Name: value`r`n" } (a websocket 101 with the right Sec-WebSocket-Accept for the key received).
    # A single connection's steps may be given as -Steps. The first request on each connection is read before the steps run.
    param([object[]] $Connections, [object[]] $Steps, [string] $Suffix = '')
    if ($Steps) { $Connections = @(, $Steps) }
    $server = Get-TestServer
    $json = ConvertTo-Json -InputObject @{ connections = @($Connections | ForEach-Object { , @($_) }) } -Depth 10 -Compress
    $answer = Invoke-RestMethod -Method Post -Uri "$($server.http)/raw/scripts" -Body $json -ContentType 'application/json'
    [pscustomobject]@{
        Id  = $answer.id
        Url = "$($server.scripted)$($answer.path)$Suffix"
        Base = $server.scripted
    }
}

function Get-RawReceived {
    # The bytes the scripted listener received for a script, one Latin-1 string per connection (oldest first).
    param([Parameter(Mandatory)] $Script, [switch] $AsBytes)
    $id = if ($Script -is [string]) { $Script } else { $Script.Id }
    $server = Get-TestServer
    $answer = Invoke-RestMethod -Uri "$($server.http)/raw/scripts/$id/received"
    foreach ($b64 in @($answer.connections)) {
        $bytes = [Convert]::FromBase64String($b64)
        if ($AsBytes) { , $bytes } else { [Text.Encoding]::Latin1.GetString($bytes) }
    }
}
