#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Issue 11's benchmark: many small GETs through one pipeline against a compiled HttpClient loop,
    Python aiohttp, Invoke-RestMethod and wrk, on loopback. Prints one table and targets 1-7.
.DESCRIPTION
    The server is a local nginx serving a 53-byte JSON file (started here with its own config,
    pid, logs and temp paths in a temp folder, listening on 127.0.0.1 on a free high port, stopped at
    the end); without nginx it falls back, with a visible note, to the test server's /json-array.
    Every contender sends the same URL list (<url>?n=0 .. ?n=Count-1) with Concurrency in flight:
      - the compiled peer, bench/HttpClientPeer (HttpClient over SocketsHttpHandler, built here with
        dotnet build -c Release into out/bench): its first pass in a fresh process, and its best pass;
      - Invoke-AioRequest in fresh pwsh processes (bench/Pipeline/Child.ps1): the first run streamed
        into a consumer, collected into a variable (peak working set), piped into ConvertFrom-Json,
        warm (after a warm-up in the same process), memory kept per buffered response, and a foreach
        loop against Invoke-RestMethod -WebSession in the same process;
      - Python aiohttp (Debian's python3-aiohttp, bench/Pipeline/aiohttp_peer.py), with and without
        json.loads of each body;
      - wrk, the machine's ceiling (one URL; duration-based);
      - the cost of Import-Module on a bare pwsh start (hyperfine when present).
    Missing tools (nginx, wrk, python3-aiohttp, hyperfine) are installed with apt-get when this runs
    as root and -NoInstall is not given (a temporary policy-rc.d keeps Debian from starting the
    system nginx service during the install); otherwise the bench says why and skips that peer.
    Only ratios within one run count: the load average is printed at the start and the end.
    A missed target never fails the bench; a broken measurement does (an exception, a non-200
    answer, a wrong response count).
.EXAMPLE
    ./build.ps1 -Task Bench
.EXAMPLE
    pwsh bench/Pipeline.Bench.ps1 -ModulePath out/AioHttp/AioHttp.psd1 -ServerInfo <ready-file> -Count 5000 -Rounds 1
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ServerInfo,
    # Requests per pipeline run (issue 11: 20,000).
    [ValidateRange(100, 1000000)] [int] $Count = 20000,
    # Requests in flight (issue 11: 64).
    [ValidateRange(1, 1024)] [int] $Concurrency = 64,
    # Fresh-process rounds of the cold measurements (compiled first pass, pipeline first run); the median counts.
    [ValidateRange(1, 20)] [int] $Rounds = 2,
    # Passes of the compiled peer per process (the first is its cold pass) and of the warm pipeline.
    [ValidateRange(2, 20)] [int] $Passes = 3,
    # Requests of the warm-up before the warm passes (default: 1.25 x Count, as issue 11's 25,000).
    [int] $WarmUp = 0,
    # Responses kept for the memory measurement (target 4).
    [ValidateRange(100, 1000000)] [int] $MemoryCount = 10000,
    # Requests per round of the foreach loops (target 5), and rounds.
    [ValidateRange(10, 100000)] [int] $LoopCount = 1000,
    [ValidateRange(1, 20)] [int] $LoopRounds = 3,
    # Seconds of wrk.
    [ValidateRange(1, 60)] [int] $WrkSeconds = 5,
    # Process runs of each command for the Import-Module cost (target 7).
    [ValidateRange(3, 50)] [int] $ImportRuns = 7,
    # Never install missing tools with apt-get.
    [switch] $NoInstall,
    # Measure against the test server's /json-array even when nginx is there.
    [switch] $UseTestServer
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3.0

$Root = Split-Path $PSScriptRoot -Parent
$ModulePath = (Resolve-Path $ModulePath).Path
$ChildScript = Join-Path $PSScriptRoot 'Pipeline/Child.ps1'
$PythonPeer = Join-Path $PSScriptRoot 'Pipeline/aiohttp_peer.py'
$PeerProject = Join-Path $PSScriptRoot 'HttpClientPeer/HttpClientPeer.csproj'
$PeerOut = Join-Path $Root 'out/bench/HttpClientPeer'
$Work = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-bench-pipeline-$PID"
if ($WarmUp -le 0) { $WarmUp = [int]($Count * 1.25) }
$Clock = [Diagnostics.Stopwatch]::StartNew()
# A fresh pwsh sends its start-up telemetry and checks for updates in the background, during the
# first seconds of the measured run (and tries to reach hosts outside this machine): measure the
# module, not that. Every child pwsh inherits these; the caller's values come back at the end.
$savedEnvironment = @{ POWERSHELL_TELEMETRY_OPTOUT = $env:POWERSHELL_TELEMETRY_OPTOUT; POWERSHELL_UPDATECHECK = $env:POWERSHELL_UPDATECHECK }
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_UPDATECHECK = 'Off'

# The command line that starts a child PowerShell like this one (pwsh, or 'dotnet pwsh.dll' under
# 'dotnet tool exec'), as build.ps1's Get-PwshInvocation.
$Pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
    @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
} else { @([Environment]::ProcessPath) }

function Write-Note([string] $Text) { Write-Host "  $Text" }
function Get-LoadAverage { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg -Raw) -split ' ')[0..2] -join ' ' } else { 'n/a' } }
function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { return $sorted[($sorted.Count - 1) / 2] }
    ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2
}

function Find-Program([string] $Name) {
    $command = Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Source }
    foreach ($dir in '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin') {
        if (Test-Path (Join-Path $dir $Name)) { return (Join-Path $dir $Name) }
    }
    $null
}

function Test-ReadyToRun([string] $Path) {
    # True when the assembly carries precompiled (ReadyToRun) code, so a cold start need not JIT it.
    $stream = [IO.File]::OpenRead($Path)
    try { $pe = [Reflection.PortableExecutable.PEReader]::new($stream); $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 }
    finally { $stream.Dispose() }
}

function Test-Root { try { (& id -u 2>$null) -eq '0' } catch { $false } }

function Install-DebianPackage {
    # Makes sure a Debian package's program is there. Returns $null when it is, else the reason why not.
    param([string] $Package, [scriptblock] $Present)
    if (& $Present) { return $null }
    if ($NoInstall) { return "$Package is not installed (and -NoInstall was given)" }
    if (-not (Find-Program apt-get)) { return "$Package is not installed, and there is no apt-get here to install it" }
    if (-not (Test-Root)) { return "$Package is not installed, and this is not root, so it cannot be installed (sudo apt-get install $Package)" }
    Write-Note "installing $Package with apt-get ..."
    $log = Join-Path $Work "apt-$Package.log"
    # A temporary policy-rc.d (Debian's switch for package scripts) keeps the install from starting
    # a system service, such as nginx on port 80; removed again right after.
    $policy = '/usr/sbin/policy-rc.d'
    $ownPolicy = -not (Test-Path $policy)
    if ($ownPolicy) { Set-Content $policy "#!/bin/sh`nexit 101`n"; & chmod 755 $policy }
    try {
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -q --no-install-recommends $Package *> $log
        if ($LASTEXITCODE -ne 0) {
            # The package lists may be missing or stale: refresh them once and try again.
            & apt-get update -q *>> $log
            & apt-get install -y -q --no-install-recommends $Package *>> $log
        }
    }
    finally { if ($ownPolicy) { Remove-Item $policy -Force -ErrorAction SilentlyContinue } }
    if (& $Present) { Write-Note "installed $Package"; return $null }
    "apt-get install $Package failed: $((Get-Content $log -Tail 3) -join ' | ')"
}

function Invoke-Child {
    # One measurement in a fresh pwsh; returns the JSON object of its last line.
    param([string] $Mode, [string[]] $Arguments = @())
    $all = @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $ChildScript,
        '-Mode', $Mode, '-ModulePath', $ModulePath, '-Url', $Url, '-Concurrency', $Concurrency) + $Arguments
    $lines = @(& $Pwsh[0] @all)
    if ($LASTEXITCODE -ne 0) { throw "The $Mode measurement failed (child pwsh exit code $LASTEXITCODE): $($lines -join "`n")" }
    $json = $lines | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1
    if (-not $json) { throw "The $Mode measurement printed no result: $($lines -join "`n")" }
    $json | ConvertFrom-Json
}

function Invoke-Peer {
    # The compiled loop in a fresh process: first pass and best of the others.
    $lines = @(& dotnet (Join-Path $PeerOut 'HttpClientPeer.dll') $Url --count $Count --concurrency $Concurrency --passes $Passes)
    if ($LASTEXITCODE -ne 0) { throw "The compiled peer failed (exit code $LASTEXITCODE): $($lines -join "`n")" }
    $result = ($lines | Select-Object -Last 1) | ConvertFrom-Json
    if ($result.bytes -ne $Count * $BodyBytes) { throw "The compiled peer read $($result.bytes) body bytes, expected $($Count * $BodyBytes)." }
    $result
}

function Invoke-Python([switch] $Json) {
    $arguments = @($PythonPeer, $Url, '--count', $Count, '--concurrency', $Concurrency) + @(if ($Json) { '--json' })
    $lines = @(& $Python @arguments)
    if ($LASTEXITCODE -ne 0) { throw "The Python aiohttp peer failed (exit code $LASTEXITCODE): $($lines -join "`n")" }
    $result = ($lines | Select-Object -Last 1) | ConvertFrom-Json
    if ($result.bytes -ne $Count * $BodyBytes) { throw "The Python aiohttp peer read $($result.bytes) body bytes, expected $($Count * $BodyBytes)." }
    $result
}

function Start-Nginx {
    # nginx with its own prefix: config, pid, error log and temp paths in $Work; no access log.
    param([string] $Nginx)
    $prefix = Join-Path $Work 'nginx'
    $www = Join-Path $prefix 'www'
    $null = New-Item -ItemType Directory -Force $www, (Join-Path $prefix 'temp'), (Join-Path $prefix 'logs')
    # Readable by the worker processes, which run as an unprivileged user when the master is root.
    & chmod -R a+rX $Work
    [IO.File]::WriteAllText((Join-Path $www 'data.json'), $JsonBody)
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $conf = Join-Path $prefix 'nginx.conf'
    $temp = Join-Path $prefix 'temp'
    @"
worker_processes 1;
daemon off;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $temp/body;
    proxy_temp_path $temp/proxy;
    fastcgi_temp_path $temp/fastcgi;
    uwsgi_temp_path $temp/uwsgi;
    scgi_temp_path $temp/scgi;
    types { application/json json; }
    default_type application/octet-stream;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    server {
        listen 127.0.0.1:$port;
        root $www;
    }
}
"@ | Set-Content $conf
    $nginxArgs = @('-p', $prefix, '-c', $conf, '-e', (Join-Path $prefix 'logs/error.log'))
    $process = Start-Process -FilePath $Nginx -ArgumentList $nginxArgs -PassThru `
        -RedirectStandardOutput (Join-Path $prefix 'logs/stdout.log') -RedirectStandardError (Join-Path $prefix 'logs/stderr.log')
    $server = [pscustomobject]@{ Process = $process; Nginx = $Nginx; Arguments = $nginxArgs; Url = "http://127.0.0.1:$port/data.json"; Prefix = $prefix }
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ($true) {
        try {
            $client = [Net.Sockets.TcpClient]::new(); $client.Connect([Net.IPAddress]::Loopback, $port); $client.Dispose()
            return $server
        }
        catch {
            if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
                $errors = Get-Content (Join-Path $prefix 'logs/error.log'), (Join-Path $prefix 'logs/stderr.log') -ErrorAction SilentlyContinue
                Stop-Nginx $server
                throw "nginx did not start: $($errors -join ' | ')"
            }
            Start-Sleep -Milliseconds 100
        }
    }
}

function Stop-Nginx($Server) {
    if (-not $Server -or $Server.Process.HasExited) { return }
    # 'nginx -s stop' signals the master through its pid file, and the master stops its workers
    # (killing the master alone would leave the workers serving).
    & $Server.Nginx @($Server.Arguments + @('-s', 'stop')) *> $null
    if (-not $Server.Process.WaitForExit(10000)) { $Server.Process.Kill($true) }
}

function Test-Body([string] $Target) {
    # The body the contenders will get, read once with a plain HttpClient.
    $client = [Net.Http.HttpClient]::new()
    try {
        $response = $client.GetAsync("${Target}?n=check").GetAwaiter().GetResult()
        if ([int]$response.StatusCode -ne 200) { throw "GET $Target answered $([int]$response.StatusCode)." }
        $response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult().Length
    }
    finally { $client.Dispose() }
}

function Measure-ImportCost {
    # Target 7: median wall time of $ImportRuns 'pwsh -NoProfile -Command Import-Module <path>' minus
    # that of a bare 'pwsh -NoProfile -Command exit'; hyperfine when present, else a Stopwatch.
    # For reference, the same with an empty manifest module: what running Import-Module at all
    # costs a fresh PowerShell (its first command), apart from what this module adds.
    param([string] $Hyperfine)
    $empty = Join-Path $Work 'Empty/Empty.psd1'
    $null = New-Item -ItemType Directory -Force (Split-Path $empty)
    Set-Content $empty "@{ ModuleVersion = '1.0.0'; GUID = '$([guid]::NewGuid())' }"
    $commands = [ordered]@{
        Bare   = @('-NoProfile', '-Command', 'exit')
        Empty  = @('-NoProfile', '-Command', "Import-Module '$($empty -replace "'", "''")'")
        Module = @('-NoProfile', '-Command', "Import-Module '$($ModulePath -replace "'", "''")'")
    }
    $medians = [ordered]@{}
    if ($Hyperfine) {
        # -N: no shell in between; each argument quoted for hyperfine's own word splitting.
        $quote = { param($a) "'$($a -replace "'", "'\''")'" }
        $lines = foreach ($arguments in $commands.Values) { (@($Pwsh) + $arguments | ForEach-Object { & $quote $_ }) -join ' ' }
        $export = Join-Path $Work 'hyperfine.json'
        & $Hyperfine -N --style none --warmup 1 --runs $ImportRuns --export-json $export @lines *> (Join-Path $Work 'hyperfine.log')
        if ($LASTEXITCODE -ne 0) { throw "hyperfine failed: $(Get-Content (Join-Path $Work 'hyperfine.log') -Raw)" }
        $results = @((Get-Content $export -Raw | ConvertFrom-Json).results)
        $i = 0
        foreach ($name in $commands.Keys) { $medians[$name] = $results[$i++].median * 1000 }
        $tool = 'hyperfine'
    }
    else {
        $times = @{}
        foreach ($name in $commands.Keys) { $times[$name] = @() }
        foreach ($name in $commands.Keys) { $null = & $Pwsh[0] @(@($Pwsh | Select-Object -Skip 1) + $commands[$name]) }   # warm-up: file cache
        for ($run = 0; $run -lt $ImportRuns; $run++) {
            foreach ($name in $commands.Keys) {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $null = & $Pwsh[0] @(@($Pwsh | Select-Object -Skip 1) + $commands[$name])
                $times[$name] += $sw.Elapsed.TotalMilliseconds
                if ($LASTEXITCODE -ne 0) { throw "pwsh $($commands[$name] -join ' ') failed (exit code $LASTEXITCODE)." }
            }
        }
        foreach ($name in $commands.Keys) { $medians[$name] = Get-Median $times[$name] }
        $tool = 'Stopwatch'
    }
    [pscustomobject]@{ Tool = $tool; BareMs = $medians.Bare; EmptyMs = $medians.Empty; ImportMs = $medians.Module }
}

# ---------------------------------------------------------------------------------------------
$null = New-Item -ItemType Directory -Force $Work
$loadStart = Get-LoadAverage
Write-Host "Pipeline benchmark (issue 11): $Count GETs, $Concurrency in flight, $Rounds fresh-process round(s); $([Environment]::ProcessorCount) cores"
Write-Host "load average at start: $loadStart"
$smaReadyToRun = Test-ReadyToRun ([psobject].Assembly.Location)
$moduleReadyToRun = Test-ReadyToRun (Join-Path (Split-Path $ModulePath) 'AioHttp.dll')
Write-Host ("PowerShell $($PSVersionTable.PSVersion) at $PSHOME ($(if ($smaReadyToRun) { 'ReadyToRun' } else { 'not ReadyToRun: every start JITs PowerShell itself, as the dotnet tool package does; an installed pwsh is precompiled' })); " +
    "module assemblies $(if ($moduleReadyToRun) { 'ReadyToRun' } else { 'not ReadyToRun' }); POWERSHELL_TELEMETRY_OPTOUT=1, POWERSHELL_UPDATECHECK=Off for the child processes")

$JsonBody = '{"id":12,"name":"aiohttp","ok":true,"tags":["a","b"]}'   # 53 bytes
$nginxServer = $null
try {
    Write-Host 'Tools:'
    $nginxWhy = if ($UseTestServer) { '-UseTestServer was given' } else { Install-DebianPackage nginx { [bool](Find-Program nginx) } }
    $wrkWhy = Install-DebianPackage wrk { [bool](Find-Program wrk) }
    $hyperfineWhy = Install-DebianPackage hyperfine { [bool](Find-Program hyperfine) }
    # Debian's python3-aiohttp lives with Debian's python3 (/usr/bin/python3), which may not be the
    # python3 first on PATH (pyenv, a venv): try that one first, then PATH's.
    $pythonCandidates = @('/usr/bin/python3', (Find-Program python3)) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -Unique
    $findPython = { foreach ($p in $pythonCandidates) { & $p -c 'import aiohttp' *> $null; if ($LASTEXITCODE -eq 0) { return $p } }; $null }
    $pythonWhy = Install-DebianPackage python3-aiohttp { [bool](& $findPython) }
    $Python = & $findPython
    Write-Note "nginx: $(if ($nginxWhy) { "unavailable - $nginxWhy" } else { Find-Program nginx })"
    Write-Note "wrk: $(if ($wrkWhy) { "unavailable - $wrkWhy" } else { Find-Program wrk })"
    Write-Note "Python aiohttp: $(if ($pythonWhy) { "unavailable - $pythonWhy" } else { "$Python (aiohttp $(& $Python -c 'import aiohttp; print(aiohttp.__version__)'))" })"
    Write-Note "hyperfine: $(if ($hyperfineWhy) { "unavailable - $hyperfineWhy; Import-Module cost timed with a Stopwatch" } else { Find-Program hyperfine })"

    Write-Host 'Building the compiled peer (bench/HttpClientPeer) ...'
    $build = @(& dotnet build $PeerProject -c Release -o $PeerOut --nologo -v q -clp:NoSummary 2>&1)
    if ($LASTEXITCODE -ne 0) { throw "Building the compiled peer failed: $($build -join "`n")" }

    if (-not $nginxWhy) {
        $nginxServer = Start-Nginx (Find-Program nginx)
        $Url = $nginxServer.Url
        $ServerName = 'nginx (1 worker) on loopback, a 53-byte JSON file'
    }
    else {
        $Url = (Get-Content $ServerInfo -Raw | ConvertFrom-Json).http.TrimEnd('/') + '/json-array'
        $ServerName = 'the test server (Kestrel) /json-array'
        Write-Host "NOTE: nginx is unavailable ($nginxWhy); measuring against the test server's /json-array instead (an in-process Kestrel: expect different ratios)." -ForegroundColor Yellow
    }
    $BodyBytes = Test-Body $Url
    Write-Host "Server: $ServerName at $Url ($BodyBytes-byte body)"

    # Cold measurements, interleaved round by round so that a noisy moment hits both.
    $peerRuns = @(); $streamRuns = @()
    for ($round = 1; $round -le $Rounds; $round++) {
        Write-Host "Round $round of ${Rounds}: compiled peer, pipeline first run (fresh processes) ..."
        $peerRuns += Invoke-Peer
        $streamRuns += Invoke-Child Stream @('-Count', $Count)
    }
    Write-Host 'Pipeline collected into a variable (fresh pwsh) ...'
    $collect = Invoke-Child Collect @('-Count', $Count)
    Write-Host 'Pipeline into ConvertFrom-Json (fresh pwsh) ...'
    $json = Invoke-Child Json @('-Count', $Count)
    Write-Host "Pipeline warm ($WarmUp warm-up requests, then $Passes passes) ..."
    $warm = Invoke-Child Warm @('-Count', $Count, '-WarmUp', $WarmUp, '-Passes', $Passes)
    Write-Host "Memory per kept response ($MemoryCount kept) ..."
    $memory = Invoke-Child Memory @('-Count', $MemoryCount)
    Write-Host "foreach loops, Invoke-AioRequest -Session vs Invoke-RestMethod -WebSession ($LoopRounds x $LoopCount) ..."
    $loop = Invoke-Child Loop @('-Count', $LoopCount, '-Passes', $LoopRounds)
    $pythonPlain = $null; $pythonJson = $null
    if ($Python) {
        Write-Host 'Python aiohttp, without and with json.loads ...'
        $pythonPlain = Invoke-Python
        $pythonJson = Invoke-Python -Json
    }
    $wrkRate = $null
    if (-not $wrkWhy) {
        Write-Host "wrk ($WrkSeconds s) ..."
        $threads = [math]::Min([Environment]::ProcessorCount, $Concurrency)
        $wrkOut = @(& (Find-Program wrk) "-t$threads" "-c$Concurrency" "-d${WrkSeconds}s" $Url)
        if ($LASTEXITCODE -ne 0) { throw "wrk failed: $($wrkOut -join "`n")" }
        $errorsLine = $wrkOut | Where-Object { $_ -match 'Non-2xx|Socket errors' }
        if ($errorsLine) { throw "wrk saw errors: $($errorsLine -join '; ')" }
        $wrkRate = [double](($wrkOut | Select-String 'Requests/sec:\s+([\d.]+)').Matches[0].Groups[1].Value)
    }
    Write-Host "Import-Module cost ($ImportRuns runs each) ..."
    $importCost = Measure-ImportCost $(if (-not $hyperfineWhy) { Find-Program hyperfine })
}
finally {
    Stop-Nginx $nginxServer
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
    foreach ($name in $savedEnvironment.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnvironment[$name]) }
}

# ---------------------------------------------------------------------------------------------
$peerFirst = Get-Median @($peerRuns.first)
$peerBest = ($peerRuns.best | Measure-Object -Maximum).Maximum
$stream = Get-Median @($streamRuns.rate)
function Format-Range([double[]] $Values) {
    if ($Values.Count -le 1) { return 'run' }
    'runs ({0})' -f (($Values | ForEach-Object { $_.ToString('0', [cultureinfo]::InvariantCulture) }) -join ', ')
}
$rows = [Collections.Generic.List[object]]::new()
function Add-Row([string] $Name, $Rate, [string] $Note = '') { $rows.Add([pscustomobject]@{ Contender = $Name; 'req/s' = $(if ($null -ne $Rate) { '{0:0}' -f $Rate } else { 'skipped' }); Note = $Note }) }
Add-Row 'wrk (the ceiling)' $wrkRate $(if ($wrkWhy) { $wrkWhy } else { "-t$([math]::Min([Environment]::ProcessorCount, $Concurrency)) -c$Concurrency, one URL, $WrkSeconds s" })
Add-Row 'compiled HttpClient loop, first pass, fresh process' $peerFirst ("median of $Rounds $(Format-Range @($peerRuns.first)); {0:0} B allocated/request" -f (Get-Median @($peerRuns.allocatedPerRequest)))
Add-Row 'compiled HttpClient loop, best pass' $peerBest "best of passes 2-$Passes in $Rounds process(es)"
Add-Row 'Invoke-AioRequest pipeline, first run, fresh pwsh' $stream ("median of $Rounds $(Format-Range @($streamRuns.rate)); import {0:0} ms; {1:0} B allocated/request" -f (Get-Median @($streamRuns.importMs)), (Get-Median @($streamRuns.allocatedPerRequest)))
Add-Row 'the same, collected into a variable, fresh pwsh' $collect.rate ('peak working set {0:0} MB' -f $collect.peakMB)
Add-Row 'the same, warm (same process after warm-up)' $warm.rate "best of $(@($warm.passes) -join ', ') after $($warm.warmUp) warm-up"
Add-Row 'Invoke-AioRequest | ConvertFrom-Json, fresh pwsh' $json.rate ''
Add-Row "Python aiohttp $(if ($pythonPlain) { $pythonPlain.version }), $Concurrency concurrent" $(if ($pythonPlain) { $pythonPlain.rate }) $(if (-not $Python) { $pythonWhy })
Add-Row 'Python aiohttp + json.loads' $(if ($pythonJson) { $pythonJson.rate }) $(if (-not $Python) { $pythonWhy })
Add-Row "foreach Invoke-AioRequest -Session, $LoopCount" $loop.aioRate "median of $(@($loop.aioPasses) -join ', ')"
Add-Row "foreach Invoke-RestMethod -WebSession, $LoopCount" $loop.irmRate "median of $(@($loop.irmPasses) -join ', ')"

Write-Host ''
Write-Host "Results against $ServerName ($Count GETs, $Concurrency in flight):"
$rows | Format-Table -AutoSize -Wrap | Out-String -Width 200 | Write-Host
Write-Host ('memory kept per buffered response: {0:0} bytes ({1} bytes of body; {2} kept, GetTotalMemory delta)' -f $memory.keptBytesPerResponse, $memory.bodyBytes, $MemoryCount)
Write-Host ('Import-Module cost: {0:0} ms (bare pwsh -NoProfile {1:0} ms, with Import-Module {2:0} ms; median of {3}, {4}); for reference, Import-Module of an empty manifest module adds {5:0} ms' -f `
        ($importCost.ImportMs - $importCost.BareMs), $importCost.BareMs, $importCost.ImportMs, $ImportRuns, $importCost.Tool, ($importCost.EmptyMs - $importCost.BareMs))
$s0 = $streamRuns[0]
Write-Host ('cold-path figures of the first pipeline run: JIT {0} methods / {1:0} ms during import, {2} methods / {3:0} ms during the run; {4:0} bytes allocated and {5} thread-pool work items per request; GC gen0/1/2 {6}' -f `
        $s0.jitImportMethods, $s0.jitImportMs, $s0.jitRunMethods, $s0.jitRunMs, $s0.allocatedPerRequest, $s0.workItemsPerRequest, $s0.gc)

Write-Host ''
Write-Host 'Targets (issue 11):'
function Write-Target([string] $Number, [string] $Measured, [string] $Target, [bool] $Met) {
    $text = "target ${Number}: $Measured vs $Target — $(if ($Met) { 'met' } else { 'NOT met' })"
    Write-Host $text -ForegroundColor $(if ($Met) { 'Green' } else { 'Yellow' })
}
function Write-Skipped([string] $Number, [string] $What, [string] $Why) { Write-Host "target ${Number}: $What — skipped: $Why" -ForegroundColor DarkYellow }
$r = $stream / $peerFirst
Write-Target 1 ('{0:0.00}x the compiled loop''s first pass ({1:0} / {2:0} req/s)' -f $r, $stream, $peerFirst) '>= 0.6x' ($r -ge 0.6)
if ($pythonPlain) { $r = $stream / $pythonPlain.rate; Write-Target 1 ('{0:0.00}x Python aiohttp ({1:0} / {2:0} req/s)' -f $r, $stream, $pythonPlain.rate) '>= 4x' ($r -ge 4) }
else { Write-Skipped 1 'against Python aiohttp' $pythonWhy }
$r = $warm.rate / $peerBest
Write-Target 2 ('{0:0.00}x the compiled loop''s best pass ({1:0} / {2:0} req/s)' -f $r, $warm.rate, $peerBest) '>= 0.9x' ($r -ge 0.9)
$r = $collect.rate / $peerFirst
Write-Target 3 ('{0:0.00}x the compiled loop''s first pass, collected ({1:0} / {2:0} req/s)' -f $r, $collect.rate, $peerFirst) '>= 0.5x' ($r -ge 0.5)
Write-Target 3 ('peak working set {0:0} MB' -f $collect.peakMB) '<= 400 MB' ($collect.peakMB -le 400)
Write-Target 4 ('{0:0} bytes kept per response beyond its {1}-byte body' -f $memory.overheadBytesPerResponse, $memory.bodyBytes) '<= 2048 bytes' ($memory.overheadBytesPerResponse -le 2048)
$r = $loop.aioRate / $loop.irmRate
Write-Target 5 ('{0:0.00}x Invoke-RestMethod -WebSession ({1:0} / {2:0} req/s)' -f $r, $loop.aioRate, $loop.irmRate) '>= 2.5x' ($r -ge 2.5)
if ($pythonJson) { $r = $json.rate / $pythonJson.rate; Write-Target 6 ('{0:0.00}x Python aiohttp with json.loads ({1:0} / {2:0} req/s)' -f $r, $json.rate, $pythonJson.rate) '>= 2.5x' ($r -ge 2.5) }
else { Write-Skipped 6 'against Python aiohttp with json.loads' $pythonWhy }
$cost = $importCost.ImportMs - $importCost.BareMs
Write-Target 7 ('Import-Module adds {0:0} ms to a bare pwsh -NoProfile start' -f $cost) '<= 120 ms' ($cost -le 120)
if ($wrkRate) { Write-Host ('ceiling: the first pipeline run is {0:0.00}x wrk, the compiled first pass {1:0.00}x' -f ($stream / $wrkRate), ($peerFirst / $wrkRate)) }
if ($nginxWhy) { Write-Host "NOTE: measured against the test server, not nginx ($nginxWhy)." -ForegroundColor Yellow }
Write-Host ('load average at start: {0}; at end: {1}; bench took {2:0} s' -f $loadStart, (Get-LoadAverage), $Clock.Elapsed.TotalSeconds)
exit 0
