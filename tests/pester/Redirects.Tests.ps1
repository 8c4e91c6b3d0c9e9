#Requires -Version 7.0
# Redirects as aiohttp follows them: which statuses change the method, which keep the body, how
# Location is joined, History, -MaximumRedirection / TooManyRedirects, -NoRedirect, and what crosses
# to another origin (credentials do not; cookies set along the chain do).

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http

}

Describe 'Following redirects' {
    It 'follows a <Status> redirect of a GET to the target' -TestCases @(
        @{ Status = 301 }, @{ Status = 302 }, @{ Status = 303 }, @{ Status = 307 }, @{ Status = 308 }
    ) {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/landed" $Status)
        $r.Status | Should -Be 200
        "$($r.Url)" | Should -Be "$base/anything/landed"
        $r.Json().method | Should -Be 'GET'
        $r.History.Count | Should -Be 1
        $r.History[0].Status | Should -Be $Status
    }

    It 'turns a POST answered with <Status> into a GET without the body' -TestCases @(
        @{ Status = 301 }, @{ Status = 302 }, @{ Status = 303 }
    ) {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/after-post" $Status) -Method POST -Body 'hello body'
        $echo = $r.Json()
        $echo.method | Should -Be 'GET'
        $echo.bodySize | Should -Be 0
        $echo.data | Should -BeNullOrEmpty
        $echo.contentLength | Should -BeNullOrEmpty
        $echo.headers.PSObject.Properties.Name | Should -Not -Contain 'Content-Length'
        $echo.headers.PSObject.Properties.Name | Should -Not -Contain 'Content-Type'
        $r.RequestInfo.Method | Should -Be 'GET'
        # The first hop really was a POST.
        $r.History[0].Method | Should -Be 'POST'
    }

    It 'turns a PUT answered with 303 into a bodyless GET' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/after-put" 303) -Method PUT -Json @{ a = 1 }
        $echo = $r.Json()
        $echo.method | Should -Be 'GET'
        $echo.bodySize | Should -Be 0
        $echo.json | Should -BeNullOrEmpty
    }

    It 'keeps the method and the body of a <Method> answered with <Status>' -TestCases @(
        @{ Status = 307; Method = 'POST' }, @{ Status = 308; Method = 'POST' },
        @{ Status = 307; Method = 'PUT' }, @{ Status = 308; Method = 'PATCH' }
    ) {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/kept" $Status) -Method $Method -Body 'keep me'
        $echo = $r.Json()
        $echo.method | Should -Be $Method
        $echo.data | Should -Be 'keep me'
        $echo.contentLength | Should -Be 7
    }

    It 'keeps a -Json body through a 307' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/json" 307) -Method POST -Json @{ name = 'x'; n = 2 }
        $echo = $r.Json()
        $echo.method | Should -Be 'POST'
        $echo.json.name | Should -Be 'x'
        $echo.json.n | Should -Be 2
    }

    It 'joins a relative Location (<Location>) onto the current URL' -TestCases @(
        @{ Location = '/anything/abs-path'; Expected = '/anything/abs-path' },
        @{ Location = 'anything/rel-path'; Expected = '/anything/rel-path' },
        @{ Location = '../anything/up?x=1'; Expected = '/anything/up?x=1' }
    ) {
        $r = Invoke-AioRequest (Get-RedirectUrl $Location)
        $r.Status | Should -Be 200
        "$($r.Url)" | Should -Be "$base$Expected"
    }

    It 'follows a chain of relative redirects' {
        $r = Invoke-AioRequest "$base/relative-redirect/3"
        $r.Status | Should -Be 200
        "$($r.Url)" | Should -Be "$base/get"
        $r.History.Count | Should -Be 3
    }

    It 'returns the 3xx itself when it has no Location (<Status>)' -TestCases @(@{ Status = 302 }, @{ Status = 301 }, @{ Status = 307 }) {
        $r = Invoke-AioRequest "$base/redirect-no-location?status=$Status"
        $r.Status | Should -Be $Status
        $r.History.Count | Should -Be 0
        $r.Json().location | Should -BeNullOrEmpty
    }

    It 'refuses to follow a Location that is not http(s) with NonHttpUrlClientError' {
        $err = $null
        $out = Invoke-AioRequest (Get-RedirectUrl 'ftp://x/file') -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].Exception | Should -BeOfType ([AioHttp.NonHttpUrlException])
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NonHttpUrlClientError*'
        $err[0].Exception.Message | Should -BeLike '*ftp://x/file*'
    }

    It 'can be caught as [AioHttp.NonHttpUrlException]' {
        $caught = $null
        try { Invoke-AioRequest (Get-RedirectUrl 'ftp://x/') -ErrorAction Stop }
        catch [AioHttp.NonHttpUrlException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
    }
}

Describe 'History' {
    It 'is empty when there was no redirect' {
        $r = Invoke-AioRequest "$base/get"
        $r.History.Count | Should -Be 0
    }

    It 'lists each hop oldest first with its Status and Url' {
        $r = Invoke-AioRequest "$base/redirect/3"
        $r.History.Count | Should -Be 3
        @($r.History | ForEach-Object { "$($_.Url)" }) | Should -Be @("$base/redirect/3", "$base/redirect/2", "$base/redirect/1")
        @($r.History | ForEach-Object Status) | Should -Be @(302, 302, 302)
        "$($r.Url)" | Should -Be "$base/get"
    }

    It 'records each hop''s own status in a mixed chain' {
        $inner = Get-RedirectUrl "$base/anything/end" 307
        $outer = Get-RedirectUrl $inner 301
        $r = Invoke-AioRequest $outer
        @($r.History | ForEach-Object Status) | Should -Be @(301, 307)
        "$($r.Url)" | Should -Be "$base/anything/end"
    }
}

Describe 'How many redirects' {
    It 'follows 10 redirects by default' {
        $r = Invoke-AioRequest "$base/redirect/10"
        $r.Status | Should -Be 200
        $r.History.Count | Should -Be 10
    }

    It 'raises TooManyRedirects on the 11th redirect by default' {
        $err = $null
        $out = Invoke-AioRequest "$base/redirect/11" -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].Exception | Should -BeOfType ([AioHttp.TooManyRedirectsException])
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TooManyRedirects*'
        $err[0].Exception.Message | Should -Match '10'
    }

    It '-MaximumRedirection <N> follows a chain of <N>' -TestCases @(@{ N = 1 }, @{ N = 3 }) {
        $r = Invoke-AioRequest "$base/redirect/$N" -MaximumRedirection $N
        $r.Status | Should -Be 200
        $r.History.Count | Should -Be $N
    }

    It '-MaximumRedirection <N> raises TooManyRedirects on redirect <Over>' -TestCases @(@{ N = 1; Over = 2 }, @{ N = 3; Over = 4 }) {
        $err = $null
        Invoke-AioRequest "$base/redirect/$Over" -MaximumRedirection $N -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].Exception | Should -BeOfType ([AioHttp.TooManyRedirectsException])
    }

    It 'TooManyRedirects can be caught by type and carries the history' {
        $caught = $null
        try { Invoke-AioRequest "$base/redirect/5" -MaximumRedirection 2 -ErrorAction Stop }
        catch [AioHttp.TooManyRedirectsException] { $caught = $_.Exception }
        $caught | Should -Not -BeNullOrEmpty
        $caught.Status | Should -Be 302
        $caught.History.Count | Should -BeGreaterOrEqual 2
    }

    It '-NoRedirect returns the 302 with its Location' {
        $r = Invoke-AioRequest "$base/redirect/1" -NoRedirect
        $r.Status | Should -Be 302
        $r.Headers['Location'] | Should -Be '/get'
        "$($r.Url)" | Should -Be "$base/redirect/1"
        $r.History.Count | Should -Be 0
    }

    It '-NoRedirect returns a 307 unfollowed, even after a POST' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything" 307) -Method POST -Body 'x' -NoRedirect
        $r.Status | Should -Be 307
        $r.Method | Should -Be 'POST'
    }
}

Describe 'Crossing origins during redirects' {
    It 'keeps -Credential on a same-origin redirect' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$base/anything/same") -Credential (New-TestCredential)
        $r.Json().headers.Authorization | Should -Be ('Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('alice:s3cret')))
    }

    It 'does not send -Credential to a different origin after a redirect' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$($srv.http2)/anything/other") -Credential (New-TestCredential)
        $r.Status | Should -Be 200
        "$($r.Url)" | Should -Be "$($srv.http2)/anything/other"
        $r.Json().headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        # ... while the first hop did carry it.
        $r.History[0].RequestInfo.Headers['Authorization'] | Should -Not -BeNullOrEmpty
    }

    It 'does not send a session''s -Credential to a different origin after a redirect' {
        $s = New-AioSession -Credential (New-TestCredential)
        try {
            $r = Invoke-AioRequest (Get-RedirectUrl "$($srv.http2)/anything/other") -Session $s
            $r.Json().headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        }
        finally { Close-AioSession $s }
    }

    It 'does not send an explicit Authorization header to a different origin after a redirect' {
        $r = Invoke-AioRequest (Get-RedirectUrl "$($srv.http2)/anything/other") -Headers @{ Authorization = 'Bearer secret-token' }
        $r.Json().headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
    }

    It 'sends cookies set on another origin during the chain to that origin' {
        # base -> http2/cookies/set?b=2 (sets b, redirects) -> http2/cookies
        $r = Invoke-AioRequest (Get-RedirectUrl "$($srv.http2)/cookies/set?b=2")
        "$($r.Url)" | Should -Be "$($srv.http2)/cookies"
        $r.Json().cookies.b | Should -Be '2'
    }

    It 'keeps in an -UnsafeCookies session the cookies another origin set during the chain' {
        $target = "$($srv.http2)/cookies/set?c=3"
        $r = Invoke-AioRequest (Get-RedirectUrl $target) -Session ($s = New-AioSession -UnsafeCookies)
        try {
            $r.Json().cookies.c | Should -Be '3'
            # Cookies do not isolate by port (RFC 6265): the same host on the first origin gets it too.
            (Invoke-AioRequest "$base/cookies" -Session $s).Json().cookies.c | Should -Be '3'
        }
        finally { Close-AioSession $s }
    }
}
