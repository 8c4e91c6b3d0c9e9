# Rate limits (issue 12): New-AioSession -RateLimit / -RateLimitPerHost space request starts evenly.
# Spacing is read from the test server's own arrival times (its request log), never from our clock;
# only lower bounds on time are asserted: a busy machine can make anything slower, never faster.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $base = (Get-TestServer).http
    function Get-Arrivals([string] $Path) {
        # The server's arrival times (seconds, sorted) of the requests under $Path. Invoke-RestMethod
        # reads the ISO times as DateTime already; only differences matter, so the ticks do.
        @(Get-Recorded -Path $Path | ForEach-Object {
                $time = if ($_.time -is [datetime]) { $_.time } else { [DateTimeOffset]::Parse($_.time, [Globalization.CultureInfo]::InvariantCulture).UtcDateTime }
                $time.Ticks / 1e7
            } | Sort-Object)
    }
    function Get-Gaps([double[]] $Times) {
        for ($i = 1; $i -lt $Times.Count; $i++) { $Times[$i] - $Times[$i - 1] }
    }
    # The limiter spaces starts; the server stamps arrivals after the request crossed the loopback and
    # Kestrel's threads: allow a little jitter (a busy machine adds some).
    $script:Slack = 0.02
    # A stall of a loaded machine (100 ms and more at a load of 25 on 2 cores) can hold back the first
    # arrival of a run and shorten its span: the span gets a margin of its own, still far from the
    # few milliseconds a run without the limit takes.
    $script:SpanSlack = 0.15
    function Initialize-Connections($Session, [string[]] $Origins) {
        # Requests over a fresh connection arrive later than those over a pooled one (connecting
        # takes time), which would bunch arrivals the limiter spaced: open the connections (and warm
        # up the code paths) first, so the measured requests go over pooled connections.
        $null = $(foreach ($origin in $Origins) { 1..4 | ForEach-Object { "$origin/get?warm=$_" } }) | Invoke-AioRequest -Session $Session -ThrottleLimit 8
    }
}

Describe 'New-AioSession -RateLimit' {
    It 'spaces the starts of a concurrent pipeline 1/N s apart' {
        $tag = "/anything/rate-$([guid]::NewGuid().ToString('N'))"
        $s = New-AioSession -RateLimit '20/s'
        try {
            Initialize-Connections $s $base
            $n = 16
            $responses = 1..$n | ForEach-Object { "$base$tag/$_" } | Invoke-AioRequest -Session $s -ThrottleLimit 8
            @($responses | Where-Object Status -EQ 200).Count | Should -Be $n
        }
        finally { Close-AioSession $s }
        $times = Get-Arrivals $tag
        $times.Count | Should -Be $n
        # A stall of the loaded machine can hold a few spaced requests back and let them arrive
        # together, so most gaps (not every one) must be a full interval; without the limit all
        # would be near 0. The first and last arrivals must be (n-1) intervals apart (less $SpanSlack).
        $gaps = @(Get-Gaps $times)
        @($gaps | Where-Object { $_ -ge 0.05 - $Slack }).Count | Should -BeGreaterOrEqual ([math]::Ceiling($gaps.Count * 0.6))
        ($times[-1] - $times[0]) | Should -BeGreaterOrEqual (($n - 1) / 20 - $SpanSlack)
    }

    It 'still overlaps slow responses (waiting for a start holds no -ThrottleLimit slot)' {
        $s = New-AioSession -RateLimit '50/s'
        try {
            $n = 16
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $responses = 1..$n | ForEach-Object { "$base/delay/1?i=$_" } | Invoke-AioRequest -Session $s -ThrottleLimit 32
            $watch.Stop()
            @($responses | Where-Object Status -EQ 200).Count | Should -Be $n
        }
        finally { Close-AioSession $s }
        # One after another they would take 16 s; overlapped about 1.3 s. The bound is generous for a busy machine.
        $watch.Elapsed.TotalSeconds | Should -BeLessThan ($n / 2)
    }

    It 'counts each retry as a start' {
        $script = New-RawScript -Connections @(
            , @(@{ send = "HTTP/1.1 503 Service Unavailable`r`nContent-Length: 4`r`nConnection: close`r`n`r`nfail" })
            , @(@{ send = "HTTP/1.1 503 Service Unavailable`r`nContent-Length: 4`r`nConnection: close`r`n`r`nfail" })
            , @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok" }))
        $s = New-AioSession -RateLimit '4/s' -MaximumRetryCount 2 -RetryIntervalSec 0
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $r = Invoke-AioRequest $script.Url -Session $s
            $watch.Stop()
        }
        finally { Close-AioSession $s }
        $r.Attempts | Should -Be 3
        # Three starts at 4/s: the third is at least 0.5 s after the first, though the retries ask for no wait.
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.45
    }

    It 'counts each redirect hop as a start' {
        $s = New-AioSession -RateLimit '5/s'
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $r = Invoke-AioRequest "$base/redirect/3" -Session $s
            $watch.Stop()
        }
        finally { Close-AioSession $s }
        $r.History.Count | Should -Be 3
        # Four starts at 5/s: at least 0.6 s from the first to the last.
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.55
    }

    It 'counts each page of -FollowRelLink as a start' {
        $s = New-AioSession -RateLimit '5/s'
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $pages = @(Invoke-AioRequest "$base/pages/1?count=4" -Session $s -FollowRelLink)
            $watch.Stop()
        }
        finally { Close-AioSession $s }
        $pages.Count | Should -Be 4
        # Four starts at 5/s: at least 0.6 s from the first to the last.
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.55
    }

    It 'shows the rate and the requests waiting on the session' {
        $s = New-AioSession -RateLimit '2/s' -RateLimitPerHost '100/m'
        try {
            $s.RateLimit | Should -Be '2/s'
            $s.RateLimitPerHost | Should -Be '100/m'
            $s.RateLimitWaiting | Should -Be 0
            ($s | Format-List | Out-String) | Should -Match 'RateLimit\s+: 2/s, 100/m per host'
        }
        finally { Close-AioSession $s }
    }

    It 'reports the requests waiting for their start while they wait' {
        $s = New-AioSession -RateLimit '2/s'
        try {
            $first = $s.GetAsync("$base/get?i=1")
            $waiting = 1..3 | ForEach-Object { $s.GetAsync("$base/get?i=w$_") }
            Wait-Until { $s.RateLimitWaiting -ge 2 } -What 'requests waiting under -RateLimit' -Seconds 5
            [Threading.Tasks.Task]::WaitAll(@($first) + $waiting)
            $s.RateLimitWaiting | Should -Be 0
        }
        finally { Close-AioSession $s }
    }

    It 'fails a request whose start would come after -Timeout with the timeout error' {
        $s = New-AioSession -RateLimit '1/m' -Timeout 0.5
        try {
            $null = Invoke-AioRequest "$base/get" -Session $s
            $result = Invoke-Failing { Invoke-AioRequest "$base/get" -Session $s }
        }
        finally { Close-AioSession $s }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
        $result.Errors[0].Exception.Message | Should -Match 'Total timeout of 0\.5 s exceeded while waiting for its start under -RateLimit 1/m'
    }
}

Describe 'New-AioSession -RateLimitPerHost' {
    It 'spaces the starts to one host and leaves another host alone' {
        $tag = "/anything/perhost-$([guid]::NewGuid().ToString('N'))"
        $byName = Get-ByName $base
        $s = New-AioSession -RateLimitPerHost '4/s'
        try {
            Initialize-Connections $s $base, $byName
            # Three to 127.0.0.1 (at 4/s: 0.5 s from first to last), three to localhost alongside.
            $urls = foreach ($i in 1..3) { "$base$tag/ip/$i"; "$byName$tag/name/$i" }
            $responses = $urls | Invoke-AioRequest -Session $s -ThrottleLimit 8
            @($responses | Where-Object Status -EQ 200).Count | Should -Be 6
        }
        finally { Close-AioSession $s }
        $ip = Get-Arrivals "$tag/ip/"
        $name = Get-Arrivals "$tag/name/"
        $ip.Count | Should -Be 3
        $name.Count | Should -Be 3
        ($ip[-1] - $ip[0]) | Should -BeGreaterOrEqual (0.5 - $SpanSlack)
        ($name[-1] - $name[0]) | Should -BeGreaterOrEqual (0.5 - $SpanSlack)
        # The other host is not queued behind this one: its first request arrives before this host's last.
        $name[0] | Should -BeLessThan $ip[-1]
    }
}

Describe 'New-AioSession -RateLimit refuses what is not a rate' {
    It "refuses <Value> for -<Parameter>, naming the parameter and the accepted forms" -ForEach @(
        @{ Parameter = 'RateLimit'; Value = '0/s' }
        @{ Parameter = 'RateLimit'; Value = '-1/s' }
        @{ Parameter = 'RateLimit'; Value = 'abc' }
        @{ Parameter = 'RateLimit'; Value = 'fast' }
        @{ Parameter = 'RateLimit'; Value = '5/x' }
        @{ Parameter = 'RateLimit'; Value = '5' }
        @{ Parameter = 'RateLimitPerHost'; Value = '0/m' }
    ) {
        $splat = @{ $Parameter = $Value }
        $result = Invoke-Failing { New-AioSession @splat }
        $result.Output.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $result.Errors[0].Exception.Message | Should -Match "-$Parameter '$([regex]::Escape($Value))' is not a rate"
        $result.Errors[0].Exception.Message | Should -Match "'N/s', 'N/m' or 'N/h'"
    }
}
