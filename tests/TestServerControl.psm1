# Builds, starts and stops the Kestrel test server (tests/TestServer). The one start-up path, used by
# build.ps1 (Test, Demo, Bench) and by tests/pester/Common.ps1 when a test file runs on its own, so
# both get the same checks: a server that dies while starting is reported with its log, and one that
# does not answer within the deadline is killed.
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$script:RepoRoot = Split-Path $PSScriptRoot -Parent

function Build-TestServer {
    # Builds the server (incrementally); returns the path of TestServer.dll. A failed build is an error
    # carrying dotnet's output.
    param(
        [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
        [string] $OutputPath = (Join-Path $script:RepoRoot 'out/testserver')
    )
    $project = Join-Path $script:RepoRoot 'tests/TestServer/TestServer.csproj'
    $output = & dotnet build $project -c $Configuration -o $OutputPath --nologo -v q -clp:NoSummary 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "Building the test server ($project) failed with exit code ${LASTEXITCODE}:`n$($output -join "`n")"
    }
    $output | Out-Host # warnings, if any
    Join-Path $OutputPath 'TestServer.dll'
}

function Start-TestServer {
    # Starts the server and waits until it has written its ready file (its addresses, as JSON).
    # Returns Process, ReadyFile, Log (its stderr; stdout goes to Log + '.out') and Info (the addresses).
    # The server stops by itself when the process given as -ParentId (this one by default) ends.
    param(
        [Parameter(Mandatory)] [string] $ServerDll,
        [int] $ParentId = $PID,
        [int] $TimeoutSeconds = 60
    )
    if (-not (Test-Path -LiteralPath $ServerDll)) { throw "The test server is not built: $ServerDll does not exist (Build-TestServer builds it)." }
    $ready = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-testserver-$PID-$([guid]::NewGuid().ToString('n')).json"
    $log = "$ready.log"
    $process = Start-Process -FilePath dotnet -ArgumentList @($ServerDll, '--ready-file', $ready, '--parent-pid', $ParentId) -PassThru `
        -RedirectStandardError $log -RedirectStandardOutput "$log.out"
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path -LiteralPath $ready)) {
        if ($process.HasExited) {
            throw "The test server exited with code $($process.ExitCode) before it was ready: $(Get-Content -LiteralPath $log -Raw -ErrorAction SilentlyContinue)"
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            $process.Kill($true)
            throw "The test server did not start within $TimeoutSeconds s: $(Get-Content -LiteralPath $log -Raw -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{
        Process   = $process
        ReadyFile = $ready
        Log       = $log
        Info      = Get-Content -LiteralPath $ready -Raw | ConvertFrom-Json
    }
}

function Stop-TestServer {
    # Stops a server Start-TestServer started and removes its ready file and logs. $null is fine (nothing started).
    param($Server)
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) {
        $Server.Process.Kill($true)
        $null = $Server.Process.WaitForExit(10000)
    }
    Remove-Item -LiteralPath $Server.ReadyFile, $Server.Log, "$($Server.Log).out" -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Build-TestServer, Start-TestServer, Stop-TestServer
