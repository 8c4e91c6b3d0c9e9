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
