<#
.SYNOPSIS
    One measurement of bench/Pipeline.Bench.ps1, run in a fresh pwsh so that a cold start is a real
    cold start. Writes one JSON line (the last line of its output) with what it measured.
.DESCRIPTION
    The URL list is <Url>?n=0 .. <Url>?n=Count-1, built before any timer starts, the same list the
    compiled and Python peers send. Every mode checks that every request answered 200 (a status
    >= 400 is a terminating error here, $ErrorActionPreference = 'Stop') and that it got Count
    results: a wrong count is a broken measurement and exits non-zero.
    Modes:
      Stream   import, then $urls | Invoke-AioRequest -ThrottleLimit C | ForEach-Object { count }  (target 1)
      Json     the same with | ConvertFrom-Json before the consumer                              (target 6)
      Collect  $r = $urls | Invoke-AioRequest -ThrottleLimit C; peak working set (VmHWM)         (target 3)
      Warm     WarmUp requests through the same pipeline, then Passes timed passes                (target 2)
      Memory   [GC]::GetTotalMemory($true) around Count kept responses                           (target 4)
      Loop     foreach of Count Invoke-AioRequest -Session $s against Invoke-RestMethod
               -WebSession $ws, interleaved, Passes rounds                                       (target 5)
    Besides the rates, Stream reports what the cold path costs: import time, JIT'd methods and JIT
    time (System.Runtime.JitInfo) during import and during the run, allocated bytes, GC counts and
    thread-pool work items per request.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('Stream', 'Json', 'Collect', 'Warm', 'Memory', 'Loop')] [string] $Mode,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Url,
    [int] $Count = 20000,
    [int] $Concurrency = 64,
    [int] $WarmUp = 25000,
    [int] $Passes = 3
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Get-HighWaterMB {
    # Peak resident memory of this process: VmHWM on Linux, else the peak working set.
    if (Test-Path /proc/self/status) {
        return [long](Select-String -Path /proc/self/status -Pattern '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value / 1KB
    }
    [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB
}

function Get-Snapshot {
    # What the runtime has done so far: JIT, allocation, GC, thread-pool work.
    [pscustomobject]@{
        JitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
        JitMs      = [System.Runtime.JitInfo]::GetCompilationTime($false).TotalMilliseconds
        Allocated  = [GC]::GetTotalAllocatedBytes($false)
        Gen0       = [GC]::CollectionCount(0)
        Gen1       = [GC]::CollectionCount(1)
        Gen2       = [GC]::CollectionCount(2)
        WorkItems  = [Threading.ThreadPool]::CompletedWorkItemCount
        Threads    = [Threading.ThreadPool]::ThreadCount
    }
}

function New-UrlList([int] $N) {
    $list = [string[]]::new($N)
    $separator = if ($Url.Contains('?')) { '&' } else { '?' }
    for ($i = 0; $i -lt $N; $i++) { $list[$i] = "$Url${separator}n=$i" }
    , $list
}

function Assert-Count([string] $What, [long] $Got, [long] $Expected) {
    if ($Got -ne $Expected) { throw "${What}: $Got of $Expected requests answered 200." }
}

$start = Get-Snapshot
$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module $ModulePath
$importMs = $sw.Elapsed.TotalMilliseconds
$afterImport = Get-Snapshot
$urls = New-UrlList $Count
$result = [ordered]@{ mode = $Mode; count = $Count; concurrency = $Concurrency; importMs = [math]::Round($importMs, 1) }

switch ($Mode) {
    'Stream' {
        $ok = 0
        $before = Get-Snapshot
        $sw.Restart()
        $urls | Invoke-AioRequest -ThrottleLimit $Concurrency | ForEach-Object { if ($_.Status -eq 200) { $ok++ } }
        $seconds = $sw.Elapsed.TotalSeconds
        $after = Get-Snapshot
        Assert-Count 'Stream' $ok $Count
        $result.seconds = [math]::Round($seconds, 3)
        $result.rate = [math]::Round($Count / $seconds, 1)
        $result.jitImportMethods = $afterImport.JitMethods - $start.JitMethods
        $result.jitImportMs = [math]::Round($afterImport.JitMs - $start.JitMs, 1)
        $result.jitRunMethods = $after.JitMethods - $before.JitMethods
        $result.jitRunMs = [math]::Round($after.JitMs - $before.JitMs, 1)
        $result.allocatedPerRequest = [math]::Round(($after.Allocated - $before.Allocated) / $Count)
        $result.gc = '{0}/{1}/{2}' -f ($after.Gen0 - $before.Gen0), ($after.Gen1 - $before.Gen1), ($after.Gen2 - $before.Gen2)
        $result.workItemsPerRequest = [math]::Round(($after.WorkItems - $before.WorkItems) / $Count, 2)
        $result.threads = $after.Threads
    }
    'Json' {
        $ok = 0
        $sw.Restart()
        # -NoEnumerate: one object per body even when a body is a JSON array (the test server's fallback).
        $urls | Invoke-AioRequest -ThrottleLimit $Concurrency | ConvertFrom-Json -NoEnumerate | ForEach-Object { if ($null -ne $_) { $ok++ } }
        $seconds = $sw.Elapsed.TotalSeconds
        Assert-Count 'Json' $ok $Count
        $result.seconds = [math]::Round($seconds, 3)
        $result.rate = [math]::Round($Count / $seconds, 1)
    }
    'Collect' {
        $sw.Restart()
        $r = $urls | Invoke-AioRequest -ThrottleLimit $Concurrency
        $seconds = $sw.Elapsed.TotalSeconds
        Assert-Count 'Collect' @($r | Where-Object Status -EQ 200).Count $Count
        $result.seconds = [math]::Round($seconds, 3)
        $result.rate = [math]::Round($Count / $seconds, 1)
        $result.peakMB = [math]::Round((Get-HighWaterMB), 1)
        $result.managedMB = [math]::Round([GC]::GetTotalMemory($true) / 1MB, 1)
        $r = $null
    }
    'Warm' {
        $ok = 0
        $warmUrls = New-UrlList $WarmUp
        $warmUrls | Invoke-AioRequest -ThrottleLimit $Concurrency | ForEach-Object { if ($_.Status -eq 200) { $ok++ } }
        Assert-Count 'Warm-up' $ok $WarmUp
        $rates = @()
        for ($pass = 0; $pass -lt $Passes; $pass++) {
            [GC]::Collect()
            $ok = 0
            $sw.Restart()
            $urls | Invoke-AioRequest -ThrottleLimit $Concurrency | ForEach-Object { if ($_.Status -eq 200) { $ok++ } }
            $seconds = $sw.Elapsed.TotalSeconds
            Assert-Count "Warm pass $($pass + 1)" $ok $Count
            $rates += [math]::Round($Count / $seconds, 1)
        }
        $result.warmUp = $WarmUp
        $result.passes = $rates
        $result.rate = ($rates | Measure-Object -Maximum).Maximum
    }
    'Memory' {
        # Warm up first, so that what the module and the connection pool keep anyway is not counted.
        $ok = 0
        $warmUrls = New-UrlList 200
        $warmUrls | Invoke-AioRequest -ThrottleLimit $Concurrency | ForEach-Object { if ($_.Status -eq 200) { $ok++ } }
        Assert-Count 'Memory warm-up' $ok 200
        $before = [GC]::GetTotalMemory($true)
        $kept = $urls | Invoke-AioRequest -ThrottleLimit $Concurrency
        $after = [GC]::GetTotalMemory($true)
        Assert-Count 'Memory' @($kept | Where-Object Status -EQ 200).Count $Count
        $bodyBytes = $kept[0].Read().Length
        $result.bodyBytes = $bodyBytes
        $result.keptBytesPerResponse = [math]::Round(($after - $before) / $Count, 1)
        $result.overheadBytesPerResponse = [math]::Round(($after - $before) / $Count - $bodyBytes, 1)
        $result.peakMB = [math]::Round((Get-HighWaterMB), 1)
        [GC]::KeepAlive($kept)
    }
    'Loop' {
        $session = New-AioSession
        # The type literal resolves only once the assembly of Invoke-RestMethod's module is loaded,
        # which a fresh pwsh may not have done yet (nothing else here loads it first).
        Import-Module Microsoft.PowerShell.Utility
        $web = [Microsoft.PowerShell.Commands.WebRequestSession]::new()
        try {
            # Warm-up of both: JIT, first connections.
            foreach ($u in $urls[0..([math]::Min(49, $Count - 1))]) {
                $null = Invoke-AioRequest $u -Session $session
                $null = Invoke-RestMethod $u -WebSession $web
            }
            $aio = @(); $irm = @()
            for ($pass = 0; $pass -lt $Passes; $pass++) {
                $ok = 0
                $sw.Restart()
                foreach ($u in $urls) { if ((Invoke-AioRequest $u -Session $session).Status -eq 200) { $ok++ } }
                $aio += [math]::Round($Count / $sw.Elapsed.TotalSeconds, 1)
                Assert-Count 'Invoke-AioRequest loop' $ok $Count
                $ok = 0
                $sw.Restart()
                foreach ($u in $urls) { if ($null -ne (Invoke-RestMethod $u -WebSession $web)) { $ok++ } }
                $irm += [math]::Round($Count / $sw.Elapsed.TotalSeconds, 1)
                Assert-Count 'Invoke-RestMethod loop' $ok $Count
            }
        }
        finally { Close-AioSession $session }
        $result.aioPasses = $aio
        $result.irmPasses = $irm
        $result.aioRate = ($aio | Sort-Object)[[int][math]::Floor(($aio.Count - 1) / 2)]
        $result.irmRate = ($irm | Sort-Object)[[int][math]::Floor(($irm.Count - 1) / 2)]
    }
}
$result.peakMB = if ($result.Contains('peakMB')) { $result.peakMB } else { [math]::Round((Get-HighWaterMB), 1) }
$result | ConvertTo-Json -Compress
