#Requires -Version 7.0
# What a redirect may carry and where it may go: the caller's credentials (-Credential, URL user info,
# Authorization / Cookie / Proxy-Authorization headers, -Cookies) stay with their origin unless
# -PreserveAuthorizationOnRedirect, never cross https -> http, which is refused unless
# -AllowInsecureRedirect; Location: //host/path takes the current scheme. http and http2 in the
# ready file are two ports, so two origins; https is a third.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:other = $srv.http2
    $script:https = $srv.https


    # The header names the echo endpoint received.
    function Get-EchoedHeaderNames($Response) { @($Response.Json().headers.PSObject.Properties.Name) }

    $script:credentialHeaders = @{ Authorization = 'Bearer t0ken'; Cookie = 'sid=given'; 'Proxy-Authorization' = 'Basic cHJveHk6cGFzcw==' }
}

Describe 'Credentials the caller gave stay with their origin' {
    It 'does not send a <Header> header from -Headers to another origin' -TestCases @(
        @{ Header = 'Authorization' }, @{ Header = 'Cookie' }, @{ Header = 'Proxy-Authorization' }
    ) {
        $r = Invoke-AioRequest (Get-RedirectUrl "$other/anything/elsewhere") -Headers @{ $Header = $credentialHeaders[$Header] }
        "$($r.Url)" | Should -Be "$other/anything/elsewhere"
        Get-EchoedHeaderNames $r | Should -Not -Contain $Header
        # The first hop, on the origin it was given for, did carry it.
        $r.History[0].RequestInfo.Headers[$Header] | Should -Not -BeNullOrEmpty
    }

    It 'keeps a <Header> header from -Headers on a same-origin redirect' -TestCases @(
        @{ Header = 'Authorization' }, @{ Header = 'Cookie' }, @{ Header = 'Proxy-Authorization' }
    ) {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/same") -Headers @{ $Header = $credentialHeaders[$Header] }
        $r.Json().headers.$Header | Should -Be $credentialHeaders[$Header]
    }

    It 'does not send -Cookies values to another origin' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$other/anything/elsewhere") -Cookies @{ session = 'given-by-caller' }
        $r.Json().cookies.PSObject.Properties.Name | Should -Not -Contain 'session'
        Get-EchoedHeaderNames $r | Should -Not -Contain 'Cookie'
        $r.History[0].RequestInfo.Headers['Cookie'] | Should -Be 'session=given-by-caller'
    }

    It 'keeps -Cookies values on a same-origin redirect' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/same") -Cookies @{ session = 'given-by-caller' }
        $r.Json().cookies.session | Should -Be 'given-by-caller'
    }

    It 'does not send the user info of the URL to another origin' {
        $start = (Get-RedirectUrl "$other/anything/elsewhere") -replace '^http://', 'http://alice:s3cret@'
        $r = Invoke-AioRequest $start
        $r.History[0].RequestInfo.Headers['Authorization'] | Should -Not -BeNullOrEmpty
        Get-EchoedHeaderNames $r | Should -Not -Contain 'Authorization'
    }

    It 'does not send a session''s Cookie and Authorization headers to another origin' {
        $s = New-AioSession -Headers @{ Cookie = 'sid=session-header'; Authorization = 'Bearer session' }
        try {
            $r = Invoke-AioRequest (Get-RedirectUrl "$other/anything/elsewhere") -Session $s
            Get-EchoedHeaderNames $r | Should -Not -Contain 'Cookie'
            Get-EchoedHeaderNames $r | Should -Not -Contain 'Authorization'
        }
        finally { Close-AioSession $s }
    }

    It 'does not send them again when a redirect comes back to their origin' {
        # base -> other -> base: the other origin chose the path on ours, so nothing it picks gets them.
        $back = Get-RedirectUrl "$base/anything/back-home" -From $other
        $r = Invoke-AioRequest (Get-RedirectUrl $back) -Credential (New-TestCredential) -Headers @{ Cookie = 'sid=given' }
        "$($r.Url)" | Should -Be "$base/anything/back-home"
        $r.History.Count | Should -Be 2
        Get-EchoedHeaderNames $r | Should -Not -Contain 'Authorization'
        Get-EchoedHeaderNames $r | Should -Not -Contain 'Cookie'
    }

    It 'still sends the jar''s own cookies where their domain allows' {
        $s = New-AioSession -UnsafeCookies
        try {
            $null = Invoke-AioRequest "$base/cookies/set?jarred=yes" -Session $s
            $r = Invoke-AioRequest (Get-RedirectUrl "$other/anything/elsewhere") -Session $s -Cookies @{ given = 'no' }
            # Cookies do not isolate by port (RFC 6265), so the jar's cookie for this host goes along.
            $r.Json().cookies.jarred | Should -Be 'yes'
            $r.Json().cookies.PSObject.Properties.Name | Should -Not -Contain 'given'
        }
        finally { Close-AioSession $s }
    }
}

Describe '-PreserveAuthorizationOnRedirect' {
    It 'keeps -Credential, headers and -Cookies across origins' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$other/anything/elsewhere") -PreserveAuthorizationOnRedirect `
            -Credential (New-TestCredential) -Headers @{ Cookie = 'sid=given'; 'Proxy-Authorization' = 'Basic eHk=' } -Cookies @{ extra = '1' }
        $echo = $r.Json()
        $echo.headers.Authorization | Should -Be ('Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('alice:s3cret')))
        $echo.headers.'Proxy-Authorization' | Should -Be 'Basic eHk='
        $echo.cookies.sid | Should -Be 'given'
        $echo.cookies.extra | Should -Be '1'
    }

    It 'keeps the user info of the URL across origins' {
        $start = (Get-RedirectUrl "$other/anything/elsewhere") -replace '^http://', 'http://alice:s3cret@'
        $r = Invoke-AioRequest $start -PreserveAuthorizationOnRedirect
        $r.Json().headers.Authorization | Should -Be ('Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('alice:s3cret')))
    }

    It 'never sends them after a redirect from https to http, even with -AllowInsecureRedirect' {
        $peer = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok" })
        $r = Invoke-AioRequest (Get-RedirectUrl $peer.Url -From $https) -SkipCertificateCheck -AllowInsecureRedirect `
            -PreserveAuthorizationOnRedirect -Credential (New-TestCredential) -Headers @{ Cookie = 'sid=given' } -Cookies @{ extra = '1' }
        $r.Text() | Should -Be 'ok'
        $received = @(Get-RawReceived $peer)
        $received.Count | Should -Be 1
        $received[0] | Should -Match '^GET /s/'
        $received[0] | Should -Not -Match '(?im)^Authorization:'
        $received[0] | Should -Not -Match '(?im)^Cookie:'
        $r.History[0].RequestInfo.Headers['Authorization'] | Should -Not -BeNullOrEmpty
    }
}

Describe 'Redirects from https to http' {
    It 'are refused with InsecureRedirect, sending nothing to the http URL' {
        $peer = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 0`r`n`r`n" })
        $err = $null
        $out = Invoke-AioRequest (Get-RedirectUrl $peer.Url -From $https) -SkipCertificateCheck -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InsecureRedirect,*'
        $err[0].Exception | Should -BeOfType ([AioHttp.InsecureRedirectException])
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientResponseException])
        $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $err[0].Exception.Message | Should -Match 'AllowInsecureRedirect'
        # The message a user sees is the explanation, not a status line.
        "$($err[0])" | Should -Match 'AllowInsecureRedirect'
        $err[0].Exception.Location | Should -Be $peer.Url
        $err[0].Exception.Response.Status | Should -Be 302
        @(Get-RawReceived $peer).Count | Should -Be 0
    }

    It 'can be caught as [AioHttp.InsecureRedirectException]' {
        $caught = $null
        try { Invoke-AioRequest (Get-RedirectUrl "$base/get" -From $https) -SkipCertificateCheck -ErrorAction Stop }
        catch [AioHttp.InsecureRedirectException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
    }

    It 'are followed with -AllowInsecureRedirect' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/plain" -From $https) -SkipCertificateCheck -AllowInsecureRedirect
        $r.Status | Should -Be 200
        "$($r.Url)" | Should -Be "$base/anything/plain"
        $r.History[0].Url.Scheme | Should -Be 'https'
    }

    It 'do not apply from http to https, or within https' {
        (Invoke-AioRequest (Get-RedirectUrl "$https/get") -SkipCertificateCheck).Url.Scheme | Should -Be 'https'
        (Invoke-AioRequest (Get-RedirectUrl "$https/get" -From $https) -SkipCertificateCheck).Status | Should -Be 200
    }
}

Describe 'A Location without a scheme (//host/path)' {
    It 'is followed with the scheme of the current URL (http)' {
        $authority = ([uri]$other).Authority
        $r = Invoke-AioRequest (Get-RedirectUrl "//$authority/anything/net-path?x=1")
        $r.Status | Should -Be 200
        "$($r.Url)" | Should -Be "$other/anything/net-path?x=1"
    }

    It 'is followed with the scheme of the current URL (https)' {
        $authority = ([uri]$https).Authority
        $r = Invoke-AioRequest (Get-RedirectUrl "//$authority/get" -From $https) -SkipCertificateCheck
        $r.Status | Should -Be 200
        "$($r.Url)" | Should -Be "$https/get"
    }

    It 'counts as another origin for credentials' {
        $authority = ([uri]$other).Authority
        $r = Invoke-AioRequest (Get-RedirectUrl "//$authority/anything/net-path") -Credential (New-TestCredential)
        Get-EchoedHeaderNames $r | Should -Not -Contain 'Authorization'
    }
}

Describe 'Websocket handshakes and redirects' {
    It 'Connect-AioWebSocket does not follow a redirect: WSServerHandshakeError with the 3xx' {
        $ws = $base -replace '^http', 'ws'
        $err = $null
        Connect-AioWebSocket (Get-RedirectUrl "$ws/ws/echo" -From $ws) -Headers @{ Authorization = 'Bearer t0ken' } -ErrorAction SilentlyContinue -ErrorVariable err |
            Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WSServerHandshakeError*'
        $err[0].Exception.Status | Should -Be 302
    }
}
