#!/usr/bin/env pwsh
<#
.SYNOPSIS
    1 GiB download to a file: Invoke-AioRequest -OutFile against curl and Invoke-WebRequest -OutFile.
.DESCRIPTION
    Downloads /sized/1073741824 from the local test server with each tool, interleaved, several
    rounds, and prints each tool's median wall time, AioHttp's ratio to the others, and AioHttp's peak
    memory growth (VmHWM of a child pwsh before and after its download, a warm-up download done first
    so that JIT and module loading are not counted).
    Invoke-WebRequest runs with $ProgressPreference = 'SilentlyContinue' (its progress bar would
    otherwise slow it down many times over); AioHttp runs with it too, for the same conditions.
    Targets (issue 6): AioHttp at most 1.2x curl, below Invoke-WebRequest, memory growth under 64 MB.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ServerInfo,
    [int] $Rounds = 3,
    [long] $Size = 1GB
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$ModulePath = (Resolve-Path $ModulePath).Path
$base = (Get-Content $ServerInfo -Raw | ConvertFrom-Json).http
$url = "$base/sized/$Size"
$work = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-bench-download-$PID"
$null = New-Item -ItemType Directory -Force $work
$target = Join-Path $work 'file.bin'

# The command line that starts a child PowerShell like this one (pwsh, or 'dotnet pwsh.dll').
$process = [Environment]::ProcessPath
$pwsh = if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { @($process) }

function Invoke-Child([string] $Script) {
    # Runs a script in a fresh pwsh; its last output line is JSON: { seconds, growthMB }.
    $file = Join-Path $work 'child.ps1'
    Set-Content $file $Script
    $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)
    $lines = & $pwsh[0] @arguments
    if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed: $lines" }
    ($lines | Select-Object -Last 1) | ConvertFrom-Json
}

$measure = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
function Get-HighWater {
    # Peak resident memory: VmHWM on Linux, else the process's peak working set.
    if (Test-Path /proc/self/status) { return [long](Select-String -Path /proc/self/status -Pattern '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value * 1KB }
    [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
}
__IMPORT__
__WARMUP__
Remove-Item '__TARGET__' -ErrorAction SilentlyContinue
[GC]::Collect()
$before = Get-HighWater
$sw = [Diagnostics.Stopwatch]::StartNew()
__DOWNLOAD__
$seconds = $sw.Elapsed.TotalSeconds
$after = Get-HighWater
if ((Get-Item '__TARGET__').Length -ne __SIZE__) { throw "wrong size: $((Get-Item '__TARGET__').Length)" }
@{ seconds = $seconds; growthMB = ($after - $before) / 1MB } | ConvertTo-Json -Compress
'@ -replace '__TARGET__', $target -replace '__SIZE__', $Size

$aioScript = $measure -replace '__IMPORT__', "Import-Module '$ModulePath'" `
    -replace '__WARMUP__', "Invoke-AioRequest '$base/sized/16777216' -OutFile '$target'" `
    -replace '__DOWNLOAD__', "Invoke-AioRequest '$url' -OutFile '$target'"
$iwrScript = $measure -replace '__IMPORT__', '' `
    -replace '__WARMUP__', "Invoke-WebRequest '$base/sized/16777216' -OutFile '$target'" `
    -replace '__DOWNLOAD__', "Invoke-WebRequest '$url' -OutFile '$target'"

$curl = Get-Command curl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
$results = @{ AioHttp = @(); 'Invoke-WebRequest' = @(); curl = @() }
$growth = @()
try {
    for ($round = 1; $round -le $Rounds; $round++) {
        # Flush the previous round's dirty pages so that disk write-back does not land on the next tool.
        if (Get-Command sync -ErrorAction SilentlyContinue) { sync }
        $aio = Invoke-Child $aioScript
        $results.AioHttp += $aio.seconds
        $growth += $aio.growthMB
        if (Get-Command sync -ErrorAction SilentlyContinue) { sync }
        $results.'Invoke-WebRequest' += (Invoke-Child $iwrScript).seconds
        if ($curl) {
            if (Get-Command sync -ErrorAction SilentlyContinue) { sync }
            Remove-Item $target -ErrorAction SilentlyContinue
            $sw = [Diagnostics.Stopwatch]::StartNew()
            & $curl.Source -s -o $target $url
            if ($LASTEXITCODE -ne 0) { throw "curl failed with exit code $LASTEXITCODE" }
            $results.curl += $sw.Elapsed.TotalSeconds
        }
        Write-Host ("round {0}: AioHttp {1:N2} s, Invoke-WebRequest {2:N2} s{3}" -f $round, $results.AioHttp[-1], $results.'Invoke-WebRequest'[-1],
            $(if ($curl) { ", curl {0:N2} s" -f $results.curl[-1] } else { '' }))
    }
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
$aioMedian = Get-Median $results.AioHttp
$iwrMedian = Get-Median $results.'Invoke-WebRequest'
$mb = $Size / 1MB
Write-Host ("Download of {0:N0} MiB to a file, median of {1} rounds (Invoke-WebRequest with `$ProgressPreference = 'SilentlyContinue'):" -f $mb, $Rounds)
Write-Host ("  AioHttp -OutFile           {0,7:N2} s  {1,7:N0} MiB/s" -f $aioMedian, ($mb / $aioMedian))
Write-Host ("  Invoke-WebRequest -OutFile {0,7:N2} s  {1,7:N0} MiB/s   AioHttp/Invoke-WebRequest = {2:N2}x (target < 1)" -f $iwrMedian, ($mb / $iwrMedian), ($aioMedian / $iwrMedian))
if ($curl) {
    $curlMedian = Get-Median $results.curl
    Write-Host ("  curl -s -o                 {0,7:N2} s  {1,7:N0} MiB/s   AioHttp/curl = {2:N2}x (target <= 1.2)" -f $curlMedian, ($mb / $curlMedian), ($aioMedian / $curlMedian))
} else {
    Write-Host '  curl: not installed, no ratio'
}
Write-Host ("  AioHttp peak memory growth (VmHWM): max {0:N1} MB over {1} rounds (target < 64 MB)" -f ($growth | Measure-Object -Maximum).Maximum, $Rounds)
