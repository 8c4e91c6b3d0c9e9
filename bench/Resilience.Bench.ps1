#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Issue 12's cost target: timings and an unused rate limiter must cost under 3 % of small-request
    throughput. Prints each ratio and PASS or FAIL.
.DESCRIPTION
    Two targets, each many small GETs with 64 in flight against one local URL:
      Engine    a compiled loop calling ClientSession.GetAsync directly (bench/Resilience/EngineCost.cs,
                built here into out/bench/EngineCost): no PowerShell in the way, so the per-request
                cost is the largest share of what is timed, and the figures are the least noisy;
      Pipeline  $urls | Invoke-AioRequest -ThrottleLimit 64 -Session $s | ForEach-Object { ... }
                (bench/Resilience/PipelineCost.ps1), what a user runs.
    Each cost is measured as the client process's CPU time per request (the verdict: a client that is
    the bottleneck has the inverse as its throughput, and a busy machine disturbs CPU time far less
    than wall time; leaving the server's share out overstates the cost) and, printed beside it, as
    wall-clock requests per second.
    Timings: ClientResponse.Timings is always on; the AioHttp.DisableTimings AppContext switch (a
    measurement switch, read once per process, see docs/ARCHITECTURE.md) leaves them unrecorded. On
    and off are therefore separate processes, run A B A B ... (the order flipped every other round)
    so that machine noise hits both; the cost is 1 - off / on of the medians of the per-process
    medians.
    Rate limiter: a session made without -RateLimit pays only a null check, nothing to measure. What
    "an unused rate limiter" means here: a session with -RateLimit far above the achievable rate
    (1000000/s by default) against one without, in the same process, pass by pass (order flipped every
    pass): the limiter is consulted on every start but should not make requests wait (the most ever
    seen waiting is printed). The cost is 1 - the median of the paired per-pass ratios (none/limited).
    The server is the test server's /json-array unless -Url names another (a local nginx serving a
    small file is less noisy: the client's share of the CPU is larger). Only ratios within one run
    count; the load average is printed at the start and the end. A missed target never fails the
    bench; a broken measurement does.
.EXAMPLE
    pwsh bench/Resilience.Bench.ps1 -ModulePath out/AioHttp/AioHttp.psd1 -ServerInfo <ready-file> -Target Engine -Rounds 8
.EXAMPLE
    pwsh bench/Resilience.Bench.ps1 -ModulePath out/AioHttp/AioHttp.psd1 -ServerInfo x -Url http://127.0.0.1:8080/data.json
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ServerInfo,
    # Measure against this URL instead of the test server's /json-array.
    [string] $Url,
    [ValidateSet('Engine', 'Pipeline')] [string[]] $Target = @('Engine', 'Pipeline'),
    # Processes per timings setting (each does its warm-up, then Passes passes per session).
    [ValidateRange(1, 50)] [int] $Rounds = 4,
    [ValidateRange(1, 20)] [int] $Passes = 4,
    [ValidateRange(100, 1000000)] [int] $Count = 10000,
    [ValidateRange(1, 1024)] [int] $Concurrency = 64,
    # The "unused" limiter's rate.
    [string] $Rate = '1000000/s',
    # The cost allowed, in percent (issue 12: 3).
    [double] $Threshold = 3
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3.0

$Root = Split-Path $PSScriptRoot -Parent
$ModulePath = (Resolve-Path $ModulePath).Path
$EngineProject = Join-Path $PSScriptRoot 'Resilience/EngineCost.csproj'
$EngineOut = Join-Path $Root 'out/bench/EngineCost'
$PipelineChild = Join-Path $PSScriptRoot 'Resilience/PipelineCost.ps1'
$Clock = [Diagnostics.Stopwatch]::StartNew()
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_UPDATECHECK = 'Off'
# A child PowerShell like this one (pwsh, or 'dotnet pwsh.dll' under 'dotnet tool exec').
$Pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
    @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
} else { @([Environment]::ProcessPath) }

function Get-LoadAverage { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg -Raw) -split ' ')[0..2] -join ' ' } else { 'n/a' } }
function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { return $sorted[($sorted.Count - 1) / 2] }
    ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2
}
function Format-List([double[]] $Values, [string] $Format = '0') { ($Values | ForEach-Object { $_.ToString($Format, [cultureinfo]::InvariantCulture) }) -join ', ' }

function Invoke-Measurement([string] $Name, [bool] $TimingsOn) {
    if ($Name -eq 'Engine') {
        $lines = @(& dotnet (Join-Path $EngineOut 'EngineCost.dll') $Url --count $Count --concurrency $Concurrency --passes $Passes `
                --warmup $Count --timings $(if ($TimingsOn) { 'on' } else { 'off' }) --rate $Rate 2>&1)
    }
    else {
        $arguments = @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $PipelineChild, '-ModulePath', $ModulePath,
            '-Url', $Url, '-Count', $Count, '-Concurrency', $Concurrency, '-Passes', $Passes, '-WarmUp', $Count, '-Rate', $Rate) +
            @(if (-not $TimingsOn) { '-TimingsOff' })
        $lines = @(& $Pwsh[0] @arguments 2>&1)
    }
    if ($LASTEXITCODE -ne 0) { throw "The $Name measurement (timings $(if ($TimingsOn) { 'on' } else { 'off' })) failed (exit code $LASTEXITCODE): $($lines -join "`n")" }
    $json = $lines | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1
    if (-not $json) { throw "The $Name measurement printed no result: $($lines -join "`n")" }
    $json | ConvertFrom-Json
}

function Write-Verdict([string] $What, [double] $Cost, [string] $Detail) {
    $pass = $Cost -lt $Threshold
    $text = '{0}: costs {1:0.0} % of throughput ({2}) vs < {3} % — {4}' -f $What, $Cost, $Detail, $Threshold, $(if ($pass) { 'PASS' } else { 'FAIL' })
    Write-Host $text -ForegroundColor $(if ($pass) { 'Green' } else { 'Yellow' })
}

if (-not $Url) { $Url = (Get-Content $ServerInfo -Raw | ConvertFrom-Json).http.TrimEnd('/') + '/json-array' }
$loadStart = Get-LoadAverage
Write-Host "Resilience cost benchmark (issue 12): $Count GETs per pass, $Concurrency in flight, $Rounds process(es) per timings setting, $Passes passes per session; $([Environment]::ProcessorCount) cores"
Write-Host "URL: $Url; unused rate limiter: -RateLimit $Rate"
Write-Host "load average at start: $loadStart"
if ('Engine' -in $Target) {
    Write-Host 'Building the compiled engine loop (bench/Resilience/EngineCost.csproj) ...'
    $build = @(& dotnet build $EngineProject -c Release -o $EngineOut --nologo -v q -clp:NoSummary 2>&1)
    if ($LASTEXITCODE -ne 0) { throw "Building the engine loop failed: $($build -join "`n")" }
}

foreach ($name in $Target) {
    $on = @(); $off = @()
    for ($round = 0; $round -lt $Rounds; $round++) {
        # A B, then B A: neither setting always runs right after the other.
        $order = if ($round % 2 -eq 0) { @($true, $false) } else { @($false, $true) }
        foreach ($timed in $order) {
            $result = Invoke-Measurement $name $timed
            if ($timed) { $on += $result } else { $off += $result }
            Write-Host ('  {0} round {1}, timings {2}: no limiter {3} req/s ({4} us CPU/request); -RateLimit {5}: {6} req/s ({7} us) (load {8})' -f $name, ($round + 1),
                $(if ($timed) { 'on ' } else { 'off' }), (Format-List $result.none), (Format-List $result.noneCpuUs '0.0'), $Rate,
                (Format-List $result.limited), (Format-List $result.limitedCpuUs '0.0'), (Get-LoadAverage))
        }
    }
    Write-Host ''
    Write-Host "$name results:"
    # Two measures of each cost. CPU time per request of the client process (the verdict): throughput
    # of a client that is the bottleneck is its inverse, and other processes on a busy machine disturb
    # it far less than wall time. It leaves the server's share out, so it overstates the cost of
    # anything the client does (the strict reading). Wall-clock req/s is printed beside it.
    # Timings: each process's median (no limiter), then the median over the processes of each setting.
    $onRate = Get-Median @($on | ForEach-Object { Get-Median @($_.none) })
    $offRate = Get-Median @($off | ForEach-Object { Get-Median @($_.none) })
    $onCpu = Get-Median @($on | ForEach-Object { Get-Median @($_.noneCpuUs) })
    $offCpu = Get-Median @($off | ForEach-Object { Get-Median @($_.noneCpuUs) })
    $timingsCost = (1 - $offCpu / $onCpu) * 100
    Write-Verdict "  timings ($name)" $timingsCost ('CPU {0:0.0} us/request on vs {1:0.0} off, median of {2} processes each; wall clock {3:0} req/s on vs {4:0} off: {5:0.0} %' -f `
            $onCpu, $offCpu, $Rounds, $onRate, $offRate, ((1 - $onRate / $offRate) * 100))
    # The limiter: paired passes in the same process (limited against none), all processes, timings on and off.
    $all = @($on) + @($off)
    $cpuPairs = @(foreach ($r in $all) { for ($i = 0; $i -lt @($r.none).Count; $i++) { @($r.noneCpuUs)[$i] / @($r.limitedCpuUs)[$i] } })
    $ratePairs = @(foreach ($r in $all) { for ($i = 0; $i -lt @($r.none).Count; $i++) { @($r.limited)[$i] / @($r.none)[$i] } })
    $limiterCost = (1 - (Get-Median $cpuPairs)) * 100
    $maxWaiting = @($all | ForEach-Object { if ($_.PSObject.Properties['maxWaiting']) { $_.maxWaiting } })
    $waitingNote = if ($maxWaiting) { "; at most $(($maxWaiting | Measure-Object -Maximum).Maximum) request(s) ever seen waiting on it" } else { '' }
    Write-Verdict "  unused rate limiter ($name)" $limiterCost ('CPU per request none/limited, median of {0} paired passes; wall clock limited/none median {1:0.000}, range {2:0.00}-{3:0.00}{4}' -f `
            $cpuPairs.Count, (Get-Median $ratePairs), ($ratePairs | Measure-Object -Minimum).Minimum, ($ratePairs | Measure-Object -Maximum).Maximum, $waitingNote)
    if ($on[0].PSObject.Properties['noneAllocated']) {
        $allocOn = Get-Median @($on | ForEach-Object { $_.noneAllocated })
        $allocOff = Get-Median @($off | ForEach-Object { $_.noneAllocated })
        $allocLimited = Get-Median @(@($on) | ForEach-Object { $_.limitedAllocated })
        Write-Host ('  allocated per request: {0:0} bytes with timings, {1:0} without (timings: {2:0} bytes); with the limiter {3:0} (limiter: {4:0} bytes)' -f `
                $allocOn, $allocOff, ($allocOn - $allocOff), $allocLimited, ($allocLimited - $allocOn))
    }
    Write-Host ''
}
Write-Host ('load average at start: {0}; at end: {1}; bench took {2:0} s' -f $loadStart, (Get-LoadAverage), $Clock.Elapsed.TotalSeconds)
exit 0
