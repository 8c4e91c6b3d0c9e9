#Requires -Version 7.0
# Many inputs through one Invoke-AioRequest: they run concurrently up to -ThrottleLimit, come out in
# input order (or as they finish with -AsCompleted), a failing input does not stop the others, a
# downstream Select-Object -First (or Ctrl+C) cancels what is in flight and frees its connections,
# and objects with Uri/Method/Json/Body/Headers properties describe requests.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
}

Describe 'Piped inputs run concurrently up to -ThrottleLimit' {
    It 'runs at most 3 at once with -ThrottleLimit 3' {
        Reset-Concurrency
        $out = 1..12 | ForEach-Object { "$base/concurrency?delay=0.3&i=$_" } | Invoke-AioRequest -ThrottleLimit 3
        $out.Count | Should -Be 12
        Get-MaxConcurrency | Should -Be 3
    }

    It 'runs more than 3 at once with -ThrottleLimit 8' {
        Reset-Concurrency
        $out = 1..12 | ForEach-Object { "$base/concurrency?delay=0.3&i=$_" } | Invoke-AioRequest -ThrottleLimit 8
        $out.Count | Should -Be 12
        $max = Get-MaxConcurrency
        $max | Should -BeGreaterThan 3
        $max | Should -BeLessOrEqual 8
    }

    It 'runs up to 8 at once by default' {
        Reset-Concurrency
        $out = 1..12 | ForEach-Object { "$base/concurrency?delay=0.5&i=$_" } | Invoke-AioRequest
        $out.Count | Should -Be 12
        $max = Get-MaxConcurrency
        $max | Should -BeGreaterThan 3
        $max | Should -BeLessOrEqual 8
    }

    It 'takes about the time of the slowest batch, not the sum of all delays' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = 1..8 | ForEach-Object { "$base/delay/1?i=$_" } | Invoke-AioRequest -ThrottleLimit 8
        $sw.Stop()
        $out.Count | Should -Be 8
        # Sequentially this is 8 s.
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 4
    }

    It 'runs one at a time with -ThrottleLimit 1' {
        Reset-Concurrency
        $null = 1..4 | ForEach-Object { "$base/concurrency?delay=0.1&i=$_" } | Invoke-AioRequest -ThrottleLimit 1
        Get-MaxConcurrency | Should -Be 1
    }
}

Describe 'Output order' {
    It 'writes results in input order by default, even when the first is the slowest' {
        $inputs = "$base/delay/0.6", "$base/anything/one", "$base/anything/two", "$base/anything/three"
        $out = $inputs | Invoke-AioRequest
        @($out | ForEach-Object { "$($_.Url)" }) | Should -Be $inputs
    }

    It '-AsCompleted writes the fast ones first' {
        $inputs = "$base/delay/0.6", "$base/anything/one", "$base/anything/two", "$base/anything/three"
        $out = $inputs | Invoke-AioRequest -AsCompleted
        $out.Count | Should -Be 4
        "$($out[-1].Url)" | Should -Be "$base/delay/0.6"
        @($out[0..2] | ForEach-Object { "$($_.Url)" } | Sort-Object) | Should -Be @($inputs[1..3] | Sort-Object)
    }

    It 'writes each result as soon as it can, not all at the end' {
        # The fast first result reaches the next command while the slow second one is still running.
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $firstSeen = $null
        "$base/anything/fast", "$base/delay/2" | Invoke-AioRequest | ForEach-Object {
            if ($null -eq $firstSeen) { $firstSeen = $sw.Elapsed.TotalSeconds }
        }
        $firstSeen | Should -BeLessThan 1.5
    }
}

Describe 'A failing input does not stop the others' {
    It 'writes an error for an error status in the middle and the others still come out' {
        $inputs = "$base/anything/1", "$base/status/500", "$base/anything/3"
        $r = Invoke-Failing { $inputs | Invoke-AioRequest }
        @($r.Output | ForEach-Object { "$($_.Url)" }) | Should -Be @("$base/anything/1", "$base/anything/3")
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
        $r.Errors[0].TargetObject | Should -Be "$base/status/500"
    }

    It 'writes an error for a refused connection in the middle and the others still come out' {
        $port = Get-FreeTcpPort
        $inputs = "$base/anything/1", "http://127.0.0.1:$port/", "$base/anything/3"
        $r = Invoke-Failing { $inputs | Invoke-AioRequest }
        $r.Output.Count | Should -Be 2
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorError*'
    }

    It 'writes an error for a bad URL in the middle and the others still come out' {
        $r = Invoke-Failing { "$base/anything/1", 'http://exa mple.com/', "$base/anything/3" | Invoke-AioRequest }
        $r.Output.Count | Should -Be 2
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidURL*'
    }
}

Describe 'Stopping early' {
    It 'Select-Object -First 1 returns quickly and frees the session''s connections' {
        $s = New-AioSession
        try {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $first = 1..6 | ForEach-Object { "$base/delay/2?i=$_" } | Invoke-AioRequest -Session $s -ThrottleLimit 2 | Select-Object -First 1
            $sw.Stop()
            $first.Status | Should -Be 200
            # The first answer takes 2 s; running them all would take 6 s (12 s of delays, 2 at a time).
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 4.5
            Wait-Until { $s.InUse -eq 0 -and $s.Waiting -eq 0 } 'the session''s connections to be given back' 3
            $s.InUse | Should -Be 0
            $s.Waiting | Should -Be 0
        }
        finally { Close-AioSession $s }
    }

    It 'Select-Object -First 1 cancels the requests still in flight on the server' {
        Reset-Concurrency
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $first = @("$base/concurrency?delay=0.2") + @(1..3 | ForEach-Object { "$base/concurrency?delay=20&i=$_" }) |
            Invoke-AioRequest -ThrottleLimit 4 | Select-Object -First 1
        $sw.Stop()
        $first.Status | Should -Be 200
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        # The three 20 s requests were cancelled: the server sees their connections go.
        Wait-Until { (Get-CurrentConcurrency) -eq 0 } 'the server to see the cancelled requests go' 5
        Get-CurrentConcurrency | Should -Be 0
    }

    It 'stopping the pipeline (as Ctrl+C does) ends a slow request at once' {
        $modulePath = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
        $iss = [Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
        $iss.ImportPSModule($modulePath)
        $ps = [powershell]::Create($iss)
        try {
            $null = $ps.AddCommand('Invoke-AioRequest').AddParameter('Uri', "$base/concurrency?delay=20")
            $async = $ps.BeginInvoke()
            # Stop once the request is on the server, not while the runspace is still starting.
            Wait-Until { (Get-CurrentConcurrency) -ge 1 } 'the request to reach the server'
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Stop()
            $async.IsCompleted | Should -BeTrue
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 3
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Wait-Until { (Get-CurrentConcurrency) -eq 0 } 'the server to see the stopped request go' 5
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Objects describe requests by property name' {
    It 'binds Uri, Method and Json from objects' {
        $requests = @(
            [pscustomobject]@{ Uri = "$base/anything/a"; Method = 'PUT'; Json = @{ x = 1 } }
            [pscustomobject]@{ Uri = "$base/anything/b"; Method = 'PATCH'; Json = @{ y = 'two' } }
        )
        $out = $requests | Invoke-AioRequest
        $out.Count | Should -Be 2
        $a = $out[0].Json(); $b = $out[1].Json()
        $a.method | Should -Be 'PUT'
        $a.path | Should -Be '/anything/a'
        $a.json.x | Should -Be 1
        $b.method | Should -Be 'PATCH'
        $b.json.y | Should -Be 'two'
    }

    It 'binds Body and Headers from objects' {
        $out = [pscustomobject]@{ Uri = "$base/anything/c"; Method = 'POST'; Body = 'plain text'; Headers = @{ 'X-Row' = '7' } } | Invoke-AioRequest
        $echo = $out.Json()
        $echo.method | Should -Be 'POST'
        $echo.data | Should -Be 'plain text'
        $echo.headers.'X-Row' | Should -Be '7'
    }

    It 'binds a Url property (the alias of -Uri)' {
        $out = [pscustomobject]@{ Url = "$base/anything/by-url" } | Invoke-AioRequest
        $out.Json().path | Should -Be '/anything/by-url'
        $out.Json().method | Should -Be 'GET'
    }

    It 'takes rows from ConvertFrom-Csv' {
        $csv = "Uri,Method`n$base/anything/r1,DELETE`n$base/anything/r2,OPTIONS"
        $out = $csv | ConvertFrom-Csv | Invoke-AioRequest
        @($out | ForEach-Object { $_.Json().method }) | Should -Be @('DELETE', 'OPTIONS')
    }
}
