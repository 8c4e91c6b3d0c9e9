<#
.SYNOPSIS
    One process of bench/Resilience.Bench.ps1's pipeline target: $urls | Invoke-AioRequest
    -ThrottleLimit C -Session $s | ForEach-Object { count }, with a session without a rate limiter and
    one with -RateLimit R taking turns pass by pass. Writes one JSON line (its last line of output):
    each pass's req/s and this process's CPU time per request (microseconds).
.DESCRIPTION
    -TimingsOff sets the AioHttp.DisableTimings measurement switch before the module is imported (it is
    read once per process, so timings on and off are separate processes). Every response must answer
    200 and carry timings exactly when they are on: anything else is a broken measurement (exit 1).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Url,
    [int] $Count = 5000,
    [int] $Concurrency = 64,
    [int] $WarmUp = 3000,
    [int] $Passes = 4,
    [string] $Rate = '1000000/s',
    [switch] $TimingsOff
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($TimingsOff) { [AppContext]::SetSwitch('AioHttp.DisableTimings', $true) }
Import-Module $ModulePath

$separator = if ($Url.Contains('?')) { '&' } else { '?' }
$urls = [string[]]::new($Count)
for ($i = 0; $i -lt $Count; $i++) { $urls[$i] = "$Url${separator}n=$i" }
$timed = -not $TimingsOff

$self = [Diagnostics.Process]::GetCurrentProcess()
function Invoke-Pass($Session, [string[]] $List) {
    $script:ok = 0
    $self.Refresh()
    $cpu = $self.TotalProcessorTime
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $List | Invoke-AioRequest -ThrottleLimit $Concurrency -Session $Session | ForEach-Object {
        if ($_.Status -eq 200 -and ($null -ne $_.Timings) -eq $timed) { $script:ok++ }
    }
    $seconds = $sw.Elapsed.TotalSeconds
    $self.Refresh()
    $script:cpuUs = ($self.TotalProcessorTime - $cpu).TotalMicroseconds / $List.Count
    if ($script:ok -ne $List.Count) { throw "$($script:ok) of $($List.Count) requests answered 200 with timings $(if ($timed) { 'on' } else { 'off' })." }
    $List.Count / $seconds
}

$plain = New-AioSession -Limit $Concurrency
$limited = New-AioSession -Limit $Concurrency -RateLimit $Rate
try {
    $null = Invoke-Pass $plain $urls[0..($WarmUp - 1)]
    $null = Invoke-Pass $limited $urls[0..($WarmUp - 1)]
    $none = @(); $with = @(); $noneCpu = @(); $withCpu = @()
    for ($pass = 0; $pass -lt $Passes; $pass++) {
        # Alternate which goes first, so neither always follows the other.
        foreach ($which in $(if ($pass % 2 -eq 0) { 'none', 'limited' } else { 'limited', 'none' })) {
            if ($which -eq 'none') { $none += Invoke-Pass $plain $urls; $noneCpu += $script:cpuUs }
            else { $with += Invoke-Pass $limited $urls; $withCpu += $script:cpuUs }
        }
    }
}
finally { Close-AioSession $plain; Close-AioSession $limited }
[ordered]@{ timings = $timed; rate = $Rate; count = $Count; concurrency = $Concurrency; none = $none; limited = $with; noneCpuUs = $noneCpu; limitedCpuUs = $withCpu } | ConvertTo-Json -Compress
