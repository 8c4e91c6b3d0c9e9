#Requires -Version 7.0
# New-AioSession and Close-AioSession as a user meets them: -BaseUrl, session headers, timeouts,
# credentials, redirects, -SkipHttpErrorCheck, -JsonSerializer, the cookie jar (strict, unsafe, none),
# a closed session refusing work, the pool figures, the module's default session, and removing the
# module (last, in its own Describe, re-importing so other test files are not affected).

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    # The same server by name: cookies from a host name are kept by a strict jar, unlike 127.0.0.1's.
    $script:localBase = Get-ByName $base


    $script:sessions = [Collections.Generic.List[object]]::new()
    function New-TrackedSession {
        $s = New-AioSession @args
        $script:sessions.Add($s)
        $s
    }
}

AfterAll {
    foreach ($s in $script:sessions) { if (-not $s.Closed) { Close-AioSession $s } }
}

Describe 'New-AioSession -BaseUrl' {
    BeforeAll {
        $script:api = New-TrackedSession -BaseUrl "$base/anything/api/"
    }

    It 'joins a relative -Uri beneath the base URL' {
        $r = Invoke-AioRequest 'items/1' -Session $api
        "$($r.Url)" | Should -Be "$base/anything/api/items/1"
        $r.Json().path | Should -Be '/anything/api/items/1'
    }

    It 'keeps the query of a relative -Uri' {
        $r = Invoke-AioRequest 'search?q=x' -Session $api
        $r.Json().args.q | Should -Be 'x'
        $r.Json().path | Should -Be '/anything/api/search'
    }

    It 'lets an absolute -Uri win over the base URL' {
        $r = Invoke-AioRequest "$($srv.http2)/anything/elsewhere" -Session $api
        "$($r.Url)" | Should -Be "$($srv.http2)/anything/elsewhere"
    }

    It 'refuses a base URL that does not end with ''/'', saying so' {
        $err = $null
        try { New-AioSession -BaseUrl "$base/anything/api" } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidURL*'
        $err.Exception.Message | Should -BeLike "*end with '/'*"
    }

    It 'refuses a base URL that is not http(s)' {
        { New-AioSession -BaseUrl 'ftp://example.com/' } | Should -Throw -ErrorId 'NonHttpUrlClientError*'
    }
}

Describe 'Session settings apply to every request' {
    It '-Headers are sent with every request' {
        $s = New-TrackedSession -Headers @{ 'X-Session' = 'from-session'; 'X-Api-Key' = 'k1' }
        foreach ($path in '/anything/one', '/anything/two') {
            $h = (Invoke-AioRequest "$base$path" -Session $s).Json().headers
            $h.'X-Session' | Should -Be 'from-session'
            $h.'X-Api-Key' | Should -Be 'k1'
        }
    }

    It 'a request header beats the session header of the same name (any case)' {
        $s = New-TrackedSession -Headers @{ 'X-Both' = 'session'; 'X-Only-Session' = 'kept' }
        $h = (Invoke-AioRequest "$base/anything" -Session $s -Headers @{ 'x-both' = 'request' }).Json().headers
        @($h.PSObject.Properties | Where-Object Name -EQ 'X-Both').Count | Should -Be 1
        $h.'X-Both' | Should -Be 'request'
        $h.'X-Only-Session' | Should -Be 'kept'
    }

    It 'a session header can replace a default one such as User-Agent' {
        $s = New-TrackedSession -Headers @{ 'User-Agent' = 'my-agent/1.0' }
        (Invoke-AioRequest "$base/user-agent" -Session $s).Json().'user-agent' | Should -Be 'my-agent/1.0'
    }

    It '-Timeout on the session is the total timeout of its requests' {
        $s = New-TrackedSession -Timeout 0.5
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-Failing { Invoke-AioRequest "$base/delay/3" -Session $s }
        $sw.Stop()
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 2.5
    }

    It 'a request -Timeout overrides the session''s' {
        $s = New-TrackedSession -Timeout 0.3
        (Invoke-AioRequest "$base/delay/0.6" -Session $s -Timeout 10).Status | Should -Be 200
    }

    It '-ReadTimeout on the session is the read-gap timeout of its requests' {
        $s = New-TrackedSession -ReadTimeout 0.5
        $r = Invoke-Failing { Invoke-AioRequest "$($srv.raw)/stall-headers" -Session $s }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SocketTimeoutError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.SocketTimeoutException])
    }

    It '-Credential on the session authenticates its requests' {
        $s = New-TrackedSession -Credential (New-TestCredential)
        $r = Invoke-AioRequest "$base/basic-auth/alice/s3cret" -Session $s
        $r.Json().authenticated | Should -BeTrue
        $r.Json().user | Should -Be 'alice'
    }

    It 'a request -Credential overrides the session''s' {
        $s = New-TrackedSession -Credential (New-TestCredential 'alice' 'wrong')
        $r = Invoke-AioRequest "$base/basic-auth/bob/pw" -Session $s -Credential (New-TestCredential 'bob' 'pw')
        $r.Json().user | Should -Be 'bob'
    }

    It '-MaximumRedirection on the session limits its redirects' {
        $s = New-TrackedSession -MaximumRedirection 2
        (Invoke-AioRequest "$base/redirect/2" -Session $s).History.Count | Should -Be 2
        $r = Invoke-Failing { Invoke-AioRequest "$base/redirect/3" -Session $s }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.TooManyRedirectsException])
        # A request's own limit wins.
        (Invoke-AioRequest "$base/redirect/3" -Session $s -MaximumRedirection 5).Status | Should -Be 200
    }

    It '-SkipHttpErrorCheck on the session returns error statuses as output' {
        $s = New-TrackedSession -SkipHttpErrorCheck
        $r = Invoke-Failing { Invoke-AioRequest "$base/status/404" -Session $s }
        $r.Errors.Count | Should -Be 0
        $r.Output[0].Status | Should -Be 404
    }

    It '-JsonSerializer replaces the serialisation of -Json bodies' {
        $s = New-TrackedSession -JsonSerializer { '{"custom":true}' }
        $echo = (Invoke-AioRequest "$base/anything" -Method POST -Session $s -Json @{ a = 1 }).Json()
        $echo.json.custom | Should -BeTrue
        $echo.json.PSObject.Properties.Name | Should -Not -Contain 'a'
        $echo.headers.'Content-Type' | Should -BeLike 'application/json*'
    }

    It '-JsonSerializer receives the -Json value' {
        $s = New-TrackedSession -JsonSerializer { param($value) '{"seen":"' + $value.name + '"}' }
        $echo = (Invoke-AioRequest "$base/anything" -Method POST -Session $s -Json @{ name = 'zed' }).Json()
        $echo.json.seen | Should -Be 'zed'
    }
}

Describe 'Close-AioSession' {
    It 'a request on a closed session is a SessionClosed error with a clear message' {
        $s = New-AioSession
        (Invoke-AioRequest "$base/get" -Session $s).Status | Should -Be 200
        Close-AioSession $s
        $s.Closed | Should -BeTrue
        $r = Invoke-Failing { Invoke-AioRequest "$base/get" -Session $s }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SessionClosed*'
        $r.Errors[0].Exception.Message | Should -BeLike '*closed*New-AioSession*'
    }

    It 'takes the session from the pipeline, and closing twice is harmless' {
        $s = New-AioSession
        $s | Close-AioSession
        $s.Closed | Should -BeTrue
        { Close-AioSession $s } | Should -Not -Throw
    }

    It 'frees the pool''s connections' {
        $s = New-AioSession
        $null = Invoke-AioRequest "$base/get" -Session $s
        $s.OpenConnections | Should -BeGreaterThan 0
        Close-AioSession $s
        Wait-Until { $s.OpenConnections -eq 0 } 'the closed session''s connections to close' 5
        $s.OpenConnections | Should -Be 0
    }
}

Describe 'Session pool figures' {
    It 'counts every open connection once, as in use or idle, as responses open and close' {
        $s = New-TrackedSession
        $first = Invoke-AioRequest "$base/get" -Session $s -Stream
        $second = Invoke-AioRequest "$base/get" -Session $s -Stream
        try {
            $s.InUse | Should -Be 2
            $s.Idle | Should -Be 0
            $s.OpenConnections | Should -Be 2
            $first.Close()
            $s.InUse | Should -Be 1
            $s.Idle | Should -Be 1
            $s.OpenConnections | Should -Be 2
        }
        finally { $first.Close(); $second.Close() }
        $s.InUse | Should -Be 0
        $s.Idle | Should -Be 2
        $s.OpenConnections | Should -Be 2
        $s.Waiting | Should -Be 0
    }

    It 'counts a -Stream response as in use until it is closed' {
        $s = New-TrackedSession
        $held = Invoke-AioRequest "$base/get" -Session $s -Stream
        try {
            $s.InUse | Should -Be 1
            $s.Idle | Should -Be 0
        }
        finally { $held.Close() }
        $s.InUse | Should -Be 0
        $s.Idle | Should -Be 1
    }

    It 'reuses its connection for consecutive requests' {
        $s = New-TrackedSession
        $a = (Invoke-AioRequest "$base/connection" -Session $s).Json().connectionId
        $b = (Invoke-AioRequest "$base/connection" -Session $s).Json().connectionId
        $b | Should -Be $a
        $s.OpenConnections | Should -Be 1
    }
}

Describe 'Cookie jars' {
    It 'a default session keeps cookies from a host name between requests' {
        $s = New-TrackedSession
        $null = Invoke-AioRequest "$localBase/cookies/set?a=1" -Session $s
        (Invoke-AioRequest "$localBase/cookies" -Session $s).Json().cookies.a | Should -Be '1'
    }

    It 'a default (strict) session refuses cookies from an IP-address host' {
        $s = New-TrackedSession
        $null = Invoke-AioRequest "$base/cookies/set?a=1" -Session $s
        $cookies = (Invoke-AioRequest "$base/cookies" -Session $s).Json().cookies
        @($cookies.PSObject.Properties).Count | Should -Be 0
    }

    It 'an -UnsafeCookies session keeps cookies from an IP-address host across commands' {
        $s = New-TrackedSession -UnsafeCookies
        $null = Invoke-AioRequest "$base/cookies/set?a=1" -Session $s
        (Invoke-AioRequest "$base/cookies" -Session $s).Json().cookies.a | Should -Be '1'
    }

    It 'a -NoCookies session keeps none, even from a host name' {
        $s = New-TrackedSession -NoCookies
        $null = Invoke-AioRequest "$localBase/cookies/set?a=1" -Session $s
        @((Invoke-AioRequest "$localBase/cookies" -Session $s).Json().cookies.PSObject.Properties).Count | Should -Be 0
    }

    It '-UnsafeCookies with -NoCookies is an error' {
        { New-AioSession -UnsafeCookies -NoCookies } | Should -Throw '*-UnsafeCookies*-NoCookies*'
    }
}

Describe 'The default session (no -Session)' {
    It 'pools connections across commands' {
        $a = (Invoke-AioRequest "$base/connection").Json().connectionId
        $b = (Invoke-AioRequest "$base/connection").Json().connectionId
        $b | Should -Be $a
    }

    It 'keeps no cookies between commands' {
        $null = Invoke-AioRequest "$base/cookies/set?a=1"
        @((Invoke-AioRequest "$base/cookies").Json().cookies.PSObject.Properties).Count | Should -Be 0
        $null = Invoke-AioRequest "$localBase/cookies/set?b=2"
        @((Invoke-AioRequest "$localBase/cookies").Json().cookies.PSObject.Properties).Count | Should -Be 0
    }

    It 'sends cookies set during one command''s redirect chain along that chain' {
        # /cookies/set?a=1 sets a and redirects to /cookies, which echoes what it received.
        $r = Invoke-AioRequest "$base/cookies/set?a=1"
        "$($r.Url)" | Should -Be "$base/cookies"
        $r.Json().cookies.a | Should -Be '1'
    }
}

Describe 'Removing the module' {
    BeforeAll {
        $script:modulePath = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
    }
    AfterAll {
        # Whatever happened, leave the module imported for the test files that follow.
        if (-not (Get-Module AioHttp)) { Import-Module $script:modulePath }
    }

    It 'closes the default session, and a re-import works' {
        $null = Invoke-AioRequest "$base/get"
        $default = [AioHttp.Commands.DefaultSession]::Instance
        $default.Closed | Should -BeFalse

        Remove-Module AioHttp
        Get-Command Invoke-AioRequest -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $default.Closed | Should -BeTrue

        Import-Module $script:modulePath
        (Invoke-AioRequest "$base/get").Status | Should -Be 200
        [AioHttp.Commands.DefaultSession]::Instance.Closed | Should -BeFalse
    }
}
