#Requires -Version 7.0
# Lifetimes (issue 10, items 10 and 11): a -Stream response dropped without Close() gives its
# connection slot back once .NET collects it, a request that gives up waiting for a slot says why,
# and Ctrl+C / PowerShell.Stop() interrupts every method that waits on the network at the prompt.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:server = Get-TestServer
    $script:base = $server.http
    $script:modulePath = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'

    function Invoke-FullCollection {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    }

    # Opens -Stream responses in a child scope and lets every reference to them go.
    function Open-DroppedStream([object] $Session, [int] $Count, [string] $Url = "$base/bytes/500000") {
        & {
            for ($i = 0; $i -lt $Count; $i++) {
                $null = if ($Session) { Invoke-AioRequest $Url -Session $Session -Stream } else { Invoke-AioRequest $Url -Stream }
            }
        }
    }
}

Describe 'A -Stream response dropped without Close()' {
    It 'gives its slot back once collected, so the next request on a full session gets one promptly' {
        $s = New-AioSession -Limit 2
        try {
            Open-DroppedStream $s 2
            $s.InUse | Should -Be 2
            Invoke-FullCollection
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $r = Invoke-AioRequest "$base/get" -Session $s -Timeout 10 -WarningAction SilentlyContinue
            $r.Status | Should -Be 200
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 9
            $s.InUse | Should -Be 0
            $s.LeakedResponses | Should -Be 2
        }
        finally { Close-AioSession $s }
    }

    It 'is reclaimed without an explicit collection: a request waiting for a slot asks for one' {
        $s = New-AioSession -Limit 2
        try {
            Open-DroppedStream $s 2
            $r = Invoke-AioRequest "$base/get" -Session $s -Timeout 20 -WarningAction SilentlyContinue
            $r.Status | Should -Be 200
            $s.LeakedResponses | Should -Be 2
        }
        finally { Close-AioSession $s }
    }

    It 'gives the slot back on the module''s default session too' {
        # The default session is the whole test run's: a request an earlier test left finishing may hold
        # or take a slot meanwhile, so the count is read once that session has settled, both times.
        $default = [AioHttp.Commands.DefaultSession]::Instance
        Wait-Until { Invoke-FullCollection; $default.InUse -eq 0 } -What 'the default session to have no slot in use'
        $leaked = $default.LeakedResponses
        Open-DroppedStream $null 3
        $default.InUse | Should -Be 3
        Invoke-FullCollection
        Wait-Until { Invoke-FullCollection; $default.InUse -eq 0 } -What 'the three dropped responses'' slots back' -Seconds 10
        $default.InUse | Should -Be 0
        $default.LeakedResponses | Should -Be ($leaked + 3)
        $null = Invoke-AioRequest "$base/get" -WarningAction SilentlyContinue
    }

    It 'is named in one warning by the next Invoke-AioRequest on that session' {
        $s = New-AioSession -Limit 5
        try {
            Open-DroppedStream $s 2
            Invoke-FullCollection
            $null = Invoke-AioRequest "$base/get" -Session $s -WarningVariable warnings -WarningAction SilentlyContinue
            @($warnings).Count | Should -Be 1
            "$($warnings[0])" | Should -Match '^2 response\(s\) opened with -Stream'
            "$($warnings[0])" | Should -Match 'Close\(\)'
            $null = Invoke-AioRequest "$base/get" -Session $s -WarningVariable again -WarningAction SilentlyContinue
            @($again).Count | Should -Be 0
        }
        finally { Close-AioSession $s }
    }

    It 'keeps its slot while it is still referenced' {
        $s = New-AioSession -Limit 1
        try {
            $held = Invoke-AioRequest "$base/bytes/500000" -Session $s -Stream
            Invoke-FullCollection
            $s.InUse | Should -Be 1
            $s.LeakedResponses | Should -Be 0
            $held.Content.Read(10).Length | Should -Be 10
            $held.Close()
            $s.InUse | Should -Be 0
        }
        finally { Close-AioSession $s }
    }

    It 'gives back nothing more when a response is closed after reading (a slot is released once)' {
        $s = New-AioSession -Limit 2
        try {
            & {
                $r = Invoke-AioRequest "$base/bytes/100" -Session $s -Stream
                $null = $r.Read()
                $r.Close()
                $r.Close()
            }
            Invoke-FullCollection
            $s.InUse | Should -Be 0
            $s.LeakedResponses | Should -Be 0
            $held = 1..2 | ForEach-Object { Invoke-AioRequest "$base/bytes/100" -Session $s -Stream }
            $s.InUse | Should -Be 2
            $held | ForEach-Object { $_.Close() }
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Invoke-AioRequest -Stream cut short by Select-Object -First' {
    BeforeAll {
        $script:cut = New-AioSession -Limit 10
        $script:first = 1..5 | ForEach-Object { "$base/bytes/100000?i=$_" } |
            Invoke-AioRequest -Session $cut -Stream -ThrottleLimit 5 | Select-Object -First 1
    }
    AfterAll { Close-AioSession $cut }

    It 'leaves only the response it wrote holding a connection' {
        Wait-Until { $cut.InUse -le 1 } 'the responses Select-Object cut off to give their connections back' 5
        $cut.InUse | Should -Be 1
        $cut.LeakedResponses | Should -Be 0 -Because 'the others were closed, not left to the garbage collector'
    }

    It 'leaves the response it wrote readable (stopping the pipeline does not cancel its reads)' {
        $first.Content.Read(10).Length | Should -Be 10
        $first.Read().Length | Should -Be 99990
        $cut.InUse | Should -Be 0
    }
}

Describe 'A request that gives up waiting for a slot' {
    BeforeAll {
        $script:full = New-AioSession -Limit 2
        $script:held = 1..2 | ForEach-Object { Invoke-AioRequest "$base/bytes/500000" -Session $full -Stream }
    }
    AfterAll {
        $held | ForEach-Object { $_.Close() }
        Close-AioSession $full
    }

    It 'says "2 in use, Limit 2" and why when the total timeout fires' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/get" -Session $full -Timeout 2 }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
        $r.Errors[0].Exception.TimeoutKind | Should -Be 'Total'
        $r.Errors[0].Exception.Message | Should -Match 'Total timeout of 2 s exceeded while waiting for a free connection: 2 in use, Limit 2'
        $r.Errors[0].Exception.Message | Should -Match '-Stream'
        $r.Errors[0].Exception.Message | Should -Match 'Close\(\)'
    }

    It 'says "2 in use, Limit 2" and why when the connect timeout fires' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/get" -Session $full -ConnectTimeout 1 }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError*'
        $r.Errors[0].Exception.Message | Should -Match '2 in use, Limit 2'
        $r.Errors[0].Exception.Message | Should -Match '-Stream'
    }

    It 'says "2 in use, Limit 2" when the caller cancels it' {
        $cts = [Threading.CancellationTokenSource]::new([TimeSpan]::FromSeconds(1))
        $task = $full.RequestAsync([AioHttp.RequestOptions]::new("$base/get"), $cts.Token)
        $failure = { $task.GetAwaiter().GetResult() } | Should -Throw -PassThru
        $failure.Exception.InnerException | Should -BeOfType ([OperationCanceledException])
        $failure.Exception.InnerException.Message | Should -Match 'cancelled while waiting for a free connection: 2 in use, Limit 2'
        $full.Waiting | Should -Be 0
    }

    It 'says "2 in use, Limit 2" for a websocket too' {
        $ws = New-AioSession -Limit 1 -Timeout 2
        try {
            $hold = Invoke-AioRequest "$base/bytes/500000" -Session $ws -Stream
            $r = Invoke-Failing { Connect-AioWebSocket "$($base -replace '^http', 'ws')/ws/echo" -Session $ws }
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
            $r.Errors[0].Exception.Message | Should -Match '1 in use, Limit 1'
            $hold.Close()
        }
        finally { Close-AioSession $ws }
    }
}

Describe 'A -Stream response that fails its status check' {
    It 'holds no slot, and its body stays readable through the error' {
        $s = New-AioSession -Limit 1
        try {
            $r = Invoke-Failing { Invoke-AioRequest "$base/status/500" -Session $s -Stream }
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
            $s.InUse | Should -Be 0
            $null = $r.Errors[0].Exception.Response.Read()
            (Invoke-AioRequest "$base/get" -Session $s -Timeout 5).Status | Should -Be 200
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Ctrl+C (PowerShell.Stop()) interrupts <Call> on a stalled -Stream response' -ForEach @(
    @{ Call = '$r.Content.Read()' }
    @{ Call = 'while ($true) { $null = $r.Content.Read(10) }' }
    @{ Call = '$r.Content.ReadExactly(100)' }
    @{ Call = '$r.Content.ReadLine()' }
    @{ Call = '$r.Content.ReadLineBytes()' }
    @{ Call = 'while ($true) { $null = $r.Content.ReadAny() }' }
    @{ Call = '$r.Read()' }
    @{ Call = '$r.Text()' }
    @{ Call = '$r.Json()' }
    @{ Call = '[string] $r' }
    @{ Call = '$r.Content | ConvertFrom-Json' }
) {
    BeforeAll {
        $script:session = New-AioSession
        $script:runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $ps = [powershell]::Create(); $ps.Runspace = $runspace
        $null = $ps.AddScript('param($m) Import-Module $m').AddArgument($modulePath).Invoke()
        $ps.Dispose()
    }
    AfterAll {
        $runspace.Dispose()
        Close-AioSession $session
    }

    It 'stops within seconds (not when the server''s 30 s stall ends), and the session stays usable' {
        # Headers and 4 bytes of a 1000-byte body, then nothing for 30 s.
        $script = New-RawScript -Steps @(
            @{ send = "HTTP/1.1 200 OK`r`nContent-Type: application/json`r`nContent-Length: 1000`r`n`r`n[1,2" },
            @{ sleepMs = 30000 })
        $r = Invoke-AioRequest $script.Url -Session $session -Stream
        $session.InUse | Should -Be 1
        $ps = [powershell]::Create(); $ps.Runspace = $runspace
        $null = $ps.AddScript("param(`$r) $Call").AddArgument($r)
        $handle = $ps.BeginInvoke()
        Start-Sleep -Seconds 1
        $handle.IsCompleted | Should -BeFalse -Because 'the read waits for the stalled server'
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 10
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        $r.Close()
        $session.InUse | Should -Be 0
        (Invoke-AioRequest "$base/get" -Session $session -Timeout 10).Status | Should -Be 200
    }
}

Describe 'A -Stream response whose read was interrupted' {
    It 'refuses further reads instead of handing back a cut-off body as if it were whole' {
        $s = New-AioSession
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        try {
            $script = New-RawScript -Steps @(
                @{ send = "HTTP/1.1 200 OK`r`nContent-Length: 1000`r`n`r`nabcd" },
                @{ sleepMs = 30000 })
            $r = Invoke-AioRequest $script.Url -Session $s -Stream
            $ps = [powershell]::Create(); $ps.Runspace = $runspace
            $null = $ps.AddScript('param($r) $r.Read()').AddArgument($r)
            $handle = $ps.BeginInvoke()
            Start-Sleep -Seconds 1
            $ps.Stop()
            $ps.Dispose()
            $s.InUse | Should -Be 0
            $e = { $r.Read() } | Should -Throw -PassThru
            $e.Exception.InnerException | Should -BeOfType ([AioHttp.ClientPayloadException])
            $e.Exception.InnerException.Message | Should -Match 'cannot be read: an earlier read was interrupted'
            { $r.Content.Read(10) } | Should -Throw -ExpectedMessage '*cannot be read*'
            $r.Close()
        }
        finally {
            $runspace.Dispose()
            Close-AioSession $s
        }
    }

    It 'refuses further reads after a read timeout too' {
        $script = New-RawScript -Steps @(
            @{ send = "HTTP/1.1 200 OK`r`nContent-Length: 1000`r`n`r`nabcd" },
            @{ sleepMs = 30000 })
        $r = Invoke-AioRequest $script.Url -Stream -ReadTimeout 0.5
        $r.Content.Read(4).Length | Should -Be 4
        { $r.Content.Read(10) } | Should -Throw -ExpectedMessage '*Read timeout*'
        { $r.Content.Read(10) } | Should -Throw -ExpectedMessage '*cannot be read: an earlier read timed out*'
        $r.Close()
    }
}
