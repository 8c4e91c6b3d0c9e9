# The connector: -Limit and -LimitPerHost count connections in use (as aiohttp counts them), the
# pool's live figures, and the transparent retry of a stale keep-alive connection.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:port = ([uri]$base).Port
}

Describe 'Connection limits' {
    It '-Limit 3 keeps the server at 3 requests at once for 12 concurrent inputs' {
        $s = New-AioSession -Limit 3
        try {
            $max = Get-MaxConcurrency {
                $out = 1..12 | ForEach-Object { "$base/concurrency?delay=0.3&i=$_" } | Invoke-AioRequest -Session $s -ThrottleLimit 12
                @($out).Count | Should -Be 12
            }
            $max | Should -Be 3
        }
        finally { Close-AioSession $s }
    }

    It '-Limit 0 means unlimited: 12 inputs all run at once' {
        $s = New-AioSession -Limit 0
        try {
            $max = Get-MaxConcurrency { $null = 1..12 | ForEach-Object { "$base/concurrency?delay=0.5&i=$_" } | Invoke-AioRequest -Session $s -ThrottleLimit 12 }
            $max | Should -BeGreaterThan 6
        }
        finally { Close-AioSession $s }
    }

    It '-LimitPerHost 2 caps each host, not the total' {
        $s = New-AioSession -LimitPerHost 2
        try {
            $urls = 1..6 | ForEach-Object { "$base/concurrency?delay=0.4&i=$_" }
            $max = Get-MaxConcurrency { $null = $urls | Invoke-AioRequest -Session $s -ThrottleLimit 12 }
            $max | Should -Be 2
            # A second host name for the same server gets its own two.
            $both = $urls + (1..6 | ForEach-Object { "http://localhost:$port/concurrency?delay=0.4&j=$_" })
            $max = Get-MaxConcurrency { $null = $both | Invoke-AioRequest -Session $s -ThrottleLimit 12 }
            $max | Should -Be 4
        }
        finally { Close-AioSession $s }
    }

    It 'the connect timeout includes the wait for a free slot' {
        $s = New-AioSession -Limit 1
        try {
            $held = Invoke-AioRequest "$base/bytes/10" -Session $s -Stream
            $err = $null
            Invoke-AioRequest "$base/get" -Session $s -ConnectTimeout 0.3 -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError,*'
            $err[0].Exception.Message | Should -Match 'waiting for a free connection'
            $held.Close()
            (Invoke-AioRequest "$base/get" -Session $s -ConnectTimeout 2).Status | Should -Be 200
        }
        finally { Close-AioSession $s }
    }

    It 'refuses negative limits' {
        { New-AioSession -Limit -1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AioHttp.Commands.NewAioSessionCommand'
        { New-AioSession -LimitPerHost -1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,AioHttp.Commands.NewAioSessionCommand'
    }
}

Describe 'Live pool figures' {
    It 'shows connections in use while a streamed response is open, and idle after' {
        $s = New-AioSession
        try {
            $s.OpenConnections | Should -Be 0
            $r = Invoke-AioRequest "$base/bytes/100" -Session $s -Stream
            $s.InUse | Should -Be 1
            $s.OpenConnections | Should -Be 1
            $s.Waiting | Should -Be 0
            $null = $r.Read()
            $r.Close()
            $s.InUse | Should -Be 0
            $s.Idle | Should -Be 1
            $s.ConnectionsCreated | Should -Be 1
            # The idle connection is reused.
            $null = Invoke-AioRequest "$base/get" -Session $s
            $s.ConnectionsCreated | Should -Be 1
        }
        finally { Close-AioSession $s }
    }

    It 'shows requests waiting for a slot' {
        $s = New-AioSession -Limit 1
        try {
            $held = Invoke-AioRequest "$base/bytes/10" -Session $s -Stream
            $ps = [powershell]::Create()
            $manifest = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
            $null = $ps.AddScript({ param($s, $u, $m) Import-Module $m; Invoke-AioRequest $u -Session $s }).AddArgument($s).AddArgument("$base/get").AddArgument($manifest)
            $async = $ps.BeginInvoke()
            Wait-Until { $s.Waiting -ge 1 } 'the second request to wait for the slot' 10
            $s.Waiting | Should -Be 1
            $held.Close()
            $result = $ps.EndInvoke($async)
            $result[0].Status | Should -Be 200
            $s.Waiting | Should -Be 0
            $ps.Dispose()
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Stale keep-alive connections' {
    It 'a connection the server closed while idle is replaced transparently' {
        $s = New-AioSession
        try {
            (Invoke-AioRequest "$($srv.raw)/keepalive-close" -Session $s).Text() | Should -Be 'ok'
            Start-Sleep -Milliseconds 400   # the server has closed the pooled connection by now
            (Invoke-AioRequest "$($srv.raw)/keepalive-close" -Session $s).Text() | Should -Be 'ok'
            $s.ConnectionsCreated | Should -Be 2
        }
        finally { Close-AioSession $s }
    }
}
