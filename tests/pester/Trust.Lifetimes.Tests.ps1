#Requires -Version 7.0
# Lifetimes (issue 10, item 10): a -Stream response dropped without Close() gives its connection
# slot back once .NET collects it, and a request that gives up waiting for a slot says why.

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

    # Runs commands that should fail; returns the output, the error records and how long it took.
    function Invoke-Failing([scriptblock] $Request) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $all = & { $ErrorActionPreference = 'Continue'; & $Request } 2>&1
        [pscustomobject]@{
            Output  = @($all | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] })
            Errors  = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
            Seconds = $sw.Elapsed.TotalSeconds
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
        $default = [AioHttp.Commands.DefaultSession]::Instance
        Invoke-FullCollection
        $inUse = $default.InUse
        $leaked = $default.LeakedResponses
        Open-DroppedStream $null 3
        $default.InUse | Should -Be ($inUse + 3)
        Invoke-FullCollection
        $default.InUse | Should -Be $inUse
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
