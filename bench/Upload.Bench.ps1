#Requires -Version 7.0
# 1 GiB upload with Invoke-AioRequest -InFile against curl -T to the same local endpoint, in the
# same run. Reports wall time (and the ratio to curl) and the peak memory growth of the PowerShell
# process doing the upload (target: under 64 MB), measured in a child process as the growth of its
# high-water mark (VmHWM on Linux, PeakWorkingSet64 elsewhere) across the upload.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ServerInfo,
    [long] $Size = 1GB,
    [long] $MemoryTargetBytes = 64MB
)
$ErrorActionPreference = 'Stop'

$server = Get-Content $ServerInfo -Raw | ConvertFrom-Json
$url = "$($server.http)/upload"
$folder = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-upload-bench-$PID"
$null = New-Item -ItemType Directory -Force $folder
$file = Join-Path $folder 'upload.bin'

try {
    Write-Host "Writing a $([math]::Round($Size / 1GB, 2)) GiB test file"
    $rng = [Random]::new(1)
    $buffer = [byte[]]::new(4MB)
    $fs = [IO.File]::Create($file)
    try {
        for ($left = $Size; $left -gt 0; $left -= $n) {
            $n = [int][Math]::Min($left, $buffer.Length)
            $rng.NextBytes($buffer)
            $fs.Write($buffer, 0, $n)
        }
    } finally { $fs.Dispose() }

    # The upload runs in a fresh pwsh, so its memory figures are the upload's alone.
    $child = {
        param($ModulePath, $Url, $File)
        $ErrorActionPreference = 'Stop'
        function Get-PeakBytes {
            if (Test-Path /proc/self/status) {
                $line = (Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' })
                return [long](($line -split '\s+')[1]) * 1KB
            }
            [Diagnostics.Process]::GetCurrentProcess().Refresh()
            [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
        }
        Import-Module $ModulePath
        $null = Invoke-AioRequest "$Url/warm-up" -Method POST -Body 'warm up'   # load and JIT before measuring
        [GC]::Collect()
        $before = Get-PeakBytes
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = (Invoke-AioRequest $Url -Method POST -InFile $File -Timeout 0).Json()
        $watch.Stop()
        [pscustomobject]@{ Seconds = $watch.Elapsed.TotalSeconds; PeakGrowth = (Get-PeakBytes) - $before; Size = $r.size } | ConvertTo-Json -Compress
    }
    # A child PowerShell like this one: pwsh, or 'dotnet pwsh.dll' under 'dotnet tool exec'.
    $pwsh = @([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }
    $command = "& { $child } -ModulePath '$ModulePath' -Url '$url' -File '$file'"
    $json = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command
    if ($LASTEXITCODE -ne 0) { throw "The upload process failed (exit code $LASTEXITCODE): $json" }
    $aio = $json | Select-Object -Last 1 | ConvertFrom-Json
    if ($aio.Size -ne $Size) { throw "The server received $($aio.Size) bytes from Invoke-AioRequest, not $Size." }

    $curl = Get-Command curl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $curlSeconds = $null
    if ($curl) {
        # -T streams the file (--data-binary @file would read it all into memory first).
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $out = & $curl.Source -sS -X POST -T $file -H 'Content-Type: application/octet-stream' $url
        $watch.Stop()
        if ($LASTEXITCODE -ne 0) { throw "curl failed (exit code $LASTEXITCODE)." }
        if (($out | ConvertFrom-Json).size -ne $Size) { throw "The server received a different size from curl: $out" }
        $curlSeconds = $watch.Elapsed.TotalSeconds
    }

    $mb = [math]::Round($aio.PeakGrowth / 1MB, 1)
    $rate = [math]::Round($Size / 1MB / $aio.Seconds, 0)
    Write-Host ("Invoke-AioRequest -InFile: {0:N2} s ({1} MB/s), peak memory growth {2} MB (target < {3} MB)" -f $aio.Seconds, $rate, $mb, ($MemoryTargetBytes / 1MB))
    if ($curlSeconds) {
        Write-Host ("curl -T:                   {0:N2} s" -f $curlSeconds)
        Write-Host ("ratio Invoke-AioRequest / curl: {0:N2}x" -f ($aio.Seconds / $curlSeconds))
    } else {
        Write-Host 'curl not found: no ratio.'
    }
    if ($aio.PeakGrowth -ge $MemoryTargetBytes) {
        Write-Host "Peak memory growth $mb MB is over the $($MemoryTargetBytes / 1MB) MB target." -ForegroundColor Red
        exit 1
    }
    exit 0
} finally {
    Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
}
