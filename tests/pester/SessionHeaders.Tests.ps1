#Requires -Version 7.0
# What a session adds to everything it sends, as a user meets it: HTTP requests and websocket
# handshakes carry the same session headers, cookies and credentials (one request builder makes
# both); the session's settings are fixed when it is made; and its headers change later only through
# $session.SetHeader() / RemoveHeader() (a refreshed token), checked like any header and never
# reaching a request that is already running.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:base = (Get-TestServer).http
    $script:wsBase = $base -replace '^http', 'ws'
    $script:modulePath = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
    $script:sessions = [Collections.Generic.List[object]]::new()
    $script:aliceBasic = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('alice:s3cret'))

    function New-TrackedSession {
        $s = New-AioSession @args
        $script:sessions.Add($s)
        $s
    }

    # The header fields the test server received for the newest request under $Path: name (lower
    # case) → value, a repeated name keeping all its values.
    function Get-SentHeaders([string] $Path) {
        $fields = @{}
        foreach ($pair in (Get-Recorded -Path $Path -Last).headers) {
            $name = $pair[0].ToLowerInvariant()
            $fields[$name] = if ($fields.ContainsKey($name)) { @($fields[$name]) + $pair[1] } else { $pair[1] }
        }
        $fields
    }

    # A websocket handshake to $Path on the test server; the socket is closed once the server answered.
    function Invoke-Handshake($Session, [string] $Path) {
        $ws = Connect-AioWebSocket "$wsBase$Path" -Session $Session
        try { $null = Receive-AioWebSocket $ws -Count 1 -Timeout 10 }
        finally { Disconnect-AioWebSocket $ws }
    }
}

AfterAll {
    foreach ($s in $script:sessions) { if (-not $s.Closed) { Close-AioSession $s } }
}

Describe 'HTTP requests and websocket handshakes of one session' {
    It 'carry the same session headers, cookies and credentials' {
        $s = New-TrackedSession -UnsafeCookies -Headers @{ 'X-Session' = 'yes' } -Cookies @{ shared = 'one' } -Credential (New-TestCredential)
        $null = Invoke-AioRequest "$base/cookies/set?fromserver=2" -Session $s
        $s.SetHeader('X-Later', 'set-after-creation')

        $null = Invoke-AioRequest "$base/anything/same-head" -Session $s
        Invoke-Handshake $s '/ws/headers'

        $http = Get-SentHeaders '/anything/same-head'
        $ws = Get-SentHeaders '/ws/headers'
        $http.'x-session' | Should -Be 'yes'
        $http.'x-later' | Should -Be 'set-after-creation'
        $http.authorization | Should -Be $aliceBasic
        $http.'user-agent' | Should -Match '^AioHttp/'
        @($http.cookie -split '; ' | Sort-Object) | Should -Be @('fromserver=2', 'shared=one')
        foreach ($name in 'x-session', 'x-later', 'authorization', 'user-agent', 'cookie') {
            $ws[$name] | Should -BeExactly $http[$name] -Because "the handshake's $name should be the HTTP request's"
        }
    }

    It 'are unchanged by changing $session.Options afterwards' {
        $s = New-TrackedSession -Headers @{ 'X-Fixed' = 'made-with' } -Credential (New-TestCredential)
        $s.Options.Headers.Clear()
        $s.Options.Headers.Add([Collections.Generic.KeyValuePair[string, string]]::new('X-Sneaked', 'in'))
        $s.Options.Auth = [AioHttp.BasicAuth]::new('mallory')
        $s.Options.UserAgent = 'changed-agent'

        $null = Invoke-AioRequest "$base/anything/options-changed" -Session $s
        Invoke-Handshake $s '/ws/headers'

        foreach ($sent in (Get-SentHeaders '/anything/options-changed'), (Get-SentHeaders '/ws/headers')) {
            $sent.'x-fixed' | Should -Be 'made-with'
            $sent.ContainsKey('x-sneaked') | Should -BeFalse
            $sent.authorization | Should -Be $aliceBasic
            $sent.'user-agent' | Should -Match '^AioHttp/'
        }
        $s.Options.Headers.Key | Should -Be 'X-Fixed'
    }
}

Describe 'Changing session headers with SetHeader and RemoveHeader' {
    It 'sends the new value with the requests after the change' {
        $s = New-TrackedSession -Headers @{ Authorization = 'Bearer first' }
        $null = Invoke-AioRequest "$base/anything/token-before" -Session $s
        $s.SetHeader('authorization', 'Bearer refreshed')
        $null = Invoke-AioRequest "$base/anything/token-after" -Session $s

        (Get-SentHeaders '/anything/token-before').authorization | Should -Be 'Bearer first'
        (Get-SentHeaders '/anything/token-after').authorization | Should -Be 'Bearer refreshed'   # one value: it replaced the old in any case
        $s.Headers['Authorization'] | Should -Be 'Bearer refreshed'
    }

    It 'stops sending a removed header, and says whether there was one' {
        $s = New-TrackedSession -Headers @{ 'X-Gone' = 'soon' }
        $s.RemoveHeader('x-gone') | Should -BeTrue
        $s.RemoveHeader('X-Gone') | Should -BeFalse
        $null = Invoke-AioRequest "$base/anything/removed" -Session $s
        (Get-SentHeaders '/anything/removed').ContainsKey('x-gone') | Should -BeFalse
        $s.Headers.Count | Should -Be 0
    }

    It 'refuses a value with <What> as InvalidHeader, keeping the old value' -ForEach @(
        @{ What = 'CR LF'; Value = "bad`r`nX-Injected: 1" }
        @{ What = 'a lone LF'; Value = "bad`nX-Injected: 1" }
        @{ What = 'NUL'; Value = "bad`0" }
    ) {
        $s = New-TrackedSession -Headers @{ 'X-Token' = 'good' }
        $err = { $s.SetHeader('X-Token', $Value) } | Should -Throw -PassThru
        $err.Exception.InnerException | Should -BeOfType ([AioHttp.InvalidHeaderException])
        $err.Exception.InnerException.ErrorId | Should -Be 'InvalidHeader'
        $err.Exception.InnerException.Message | Should -Match "header 'X-Token'.*Remove the line break"
        $s.Headers['X-Token'] | Should -Be 'good'

        $null = Invoke-AioRequest "$base/anything/refused-change" -Session $s
        $sent = Get-SentHeaders '/anything/refused-change'
        $sent.'x-token' | Should -Be 'good'
        $sent.ContainsKey('x-injected') | Should -BeFalse
    }

    It 'refuses a name that is not a token as InvalidHeader' {
        $s = New-TrackedSession
        $err = { $s.SetHeader('X Bad', 'v') } | Should -Throw -PassThru
        $err.Exception.InnerException.ErrorId | Should -Be 'InvalidHeader'
        $s.Headers.Count | Should -Be 0
    }

    It 'leaves a request already running with the headers it started with, across its redirect' {
        $s = New-TrackedSession -Headers @{ 'X-Token' = 'old' }
        # The server holds the request, then redirects it to the test server: the second hop is sent after the change.
        $raw = New-RawScript -Steps @(
            @{ sleepMs = 2500 }
            @{ send = "HTTP/1.1 302 Found`r`nLocation: $base/anything/in-flight`r`nContent-Length: 0`r`nConnection: close`r`n`r`n" }
            @{ close = $true }
        )
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({ param($m, $s, $u) Import-Module $m; Invoke-AioRequest $u -Session $s }).AddArgument($modulePath).AddArgument($s).AddArgument($raw.Url)
            $async = $ps.BeginInvoke()
            Wait-Until { @(Get-RawReceived $raw) -match 'X-Token: old' } 'the request to reach the server'
            $s.SetHeader('X-Token', 'new')
            $result = $ps.EndInvoke($async)
            $ps.Streams.Error | Should -BeNullOrEmpty
            $result[0].Status | Should -Be 200
        }
        finally { $ps.Dispose() }

        (Get-SentHeaders '/anything/in-flight').'x-token' | Should -Be 'old'
        $null = Invoke-AioRequest "$base/anything/after-in-flight" -Session $s
        (Get-SentHeaders '/anything/after-in-flight').'x-token' | Should -Be 'new'
    }
}
