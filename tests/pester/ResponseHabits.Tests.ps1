#Requires -Version 7.0
# The response as a user who knows Invoke-WebRequest types at it (issue 14, items 3, 7 and 11):
# $r.Content | ConvertFrom-Json, StatusCode, RawContent, $r.Headers.'Content-Type', a Get-Member
# without engine internals; views that fit 80 columns and never show a password; and responses that
# keep their status, URL, headers and body text through Export-Clixml and Start-Job.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:hostPort = ([uri] $base).Authority
    $script:modulePath = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
}

Describe 'The response keeps Invoke-WebRequest habits' {
    It '$r.Content | ConvertFrom-Json gives the JSON body' {
        $r = Invoke-AioRequest "$base/json-nocharset"
        $parsed = $r.Content | ConvertFrom-Json
        $parsed.greeting | Should -BeExactly 'Привет'
        $parsed.nested.a.b.c[2] | Should -Be 1.5
    }

    It '"$($r.Content)" is the body text, for a -Stream response too (read then)' {
        $r = Invoke-AioRequest "$base/encoding/utf8"
        "$($r.Content)" | Should -BeExactly $r.Text()
        $s = Invoke-AioRequest "$base/json-nocharset" -Stream
        try {
            ($s.Content | ConvertFrom-Json).emoji | Should -BeExactly '😀'
        } finally { $s.Close() }
    }

    It 'has StatusCode and StatusDescription' {
        $r = Invoke-AioRequest "$base/status/201"
        $r.StatusCode | Should -Be 201
        $r.StatusCode | Should -BeOfType ([int])
        $r.StatusDescription | Should -BeExactly 'Created'
    }

    It 'has RawContent: the status line, the headers, a blank line and the body text' {
        $r = Invoke-AioRequest "$base/get"
        $r.RawContent | Should -BeLike "HTTP/1.1 200 OK`r`n*"
        $r.RawContent | Should -Match "(?m)^Content-Type: application/json"
        $r.RawContent | Should -BeLike "*`r`n`r`n$($r.Text())"
    }

    It 'gives a header by dot access in any case, and still by index and GetAll' {
        $r = Invoke-AioRequest "$base/response-headers?X-Twice=one&X-Twice=two"
        $r.Headers.'Content-Type' | Should -BeLike 'application/json*'
        $r.Headers.'content-type' | Should -BeExactly $r.Headers.'Content-Type'
        $r.Headers['CONTENT-TYPE'] | Should -BeExactly $r.Headers.'Content-Type'
        $r.Headers.'X-Twice' | Should -BeExactly 'one'
        $r.Headers.GetAll('x-twice') | Should -Be @('one', 'two')
        $r.Headers.'X-Not-Sent' | Should -BeNullOrEmpty
    }

    It 'shows the headers as a Name/Value table, a repeated header once with its values joined' {
        $r = Invoke-AioRequest "$base/response-headers?X-Twice=one&X-Twice=two"
        $out = $r.Headers | Out-String -Width 80
        $out | Should -Match 'Name\s+Value'
        $out | Should -Match 'X-Twice\s+one, two'
        $out | Should -Match 'Content-Type\s+application/json'
    }

    It 'refuses to change the response headers, saying where headers are given' {
        $r = Invoke-AioRequest "$base/get"
        { $r.Headers['X-New'] = 'v' } | Should -Throw '*read-only*-Headers*'
    }

    It 'has no engine internals in Get-Member, and the methods a user calls' {
        $r = Invoke-AioRequest "$base/get"
        $names = ($r | Get-Member).Name
        foreach ($internal in 'ReadAsync', 'TextAsync', 'JsonDocumentAsync', 'CreateStatusError', 'ResolveEncoding') {
            $names | Should -Not -Contain $internal
        }
        foreach ($member in 'Read', 'Text', 'Json', 'Close', 'RaiseForStatus', 'StatusCode', 'StatusDescription', 'RawContent', 'Content', 'Headers') {
            $names | Should -Contain $member
        }
    }

    It 'keeps the asynchronous members for C# callers (as extension methods)' {
        $r = Invoke-AioRequest "$base/bytes/10"
        [AioHttp.ClientResponseAsync]::ReadAsync($r, [Threading.CancellationToken]::None).GetAwaiter().GetResult().Length | Should -Be 10
        [AioHttp.ClientResponseAsync]::CreateStatusError($r) | Should -BeOfType ([AioHttp.ClientResponseException])
    }
}

Describe 'Response views at 80 columns' {
    It 'shows Status, Length, Elapsed and the URL in the default table, within 80 columns' {
        $long = "$base/anything/" + ('segment' * 20)
        $out = @(Invoke-AioRequest "$base/bytes/1234"; Invoke-AioRequest $long) | Out-String -Width 80
        $out | Should -Match 'Status\s+Method\s+Length\s+Elapsed\s+Url'
        $out | Should -Match '200\s+GET\s+1234\s+\d+ ms\s+http://'
        $out | Should -Match ([regex]::Escape("$base/bytes/1234"))
        foreach ($line in $out -split "`n") { $line.TrimEnd("`r").Length | Should -BeLessOrEqual 80 }
    }

    It 'shows headers and a preview of the body in the list view' {
        $r = Invoke-AioRequest "$base/get"
        $out = $r | Format-List | Out-String -Width 80
        $out | Should -Match 'StatusCode\s+: 200'
        $out | Should -Match 'StatusDescription\s+: OK'
        $out | Should -Match 'ContentType\s+: application/json'
        $out | Should -Match 'Content-Type: application/json'
        $out | Should -Match 'Content\s+: \{'
        $out | Should -Match '"url"'
    }

    It 'does not read a -Stream body to show the list view' {
        $r = Invoke-AioRequest "$base/bytes/5000" -Stream
        try {
            $out = $r | Format-List | Out-String -Width 80
            $out | Should -Match 'not read yet'
            $r.IsBuffered | Should -BeFalse
            $r.Content.BytesRead | Should -Be 0
            $r.Read().Length | Should -Be 5000
        } finally { $r.Close() }
    }

    It 'prints $r.Url as one line' {
        $r = Invoke-AioRequest "$base/get?a=1"
        ($r.Url | Out-String -Width 80).Trim() | Should -BeExactly "$base/get?a=1"
    }

    It 'shows $r.Cookies as the cookie table' {
        $h = [uri]::EscapeDataString('session=abc123; Path=/; HttpOnly')
        $r = Invoke-AioRequest "$base/cookies/set-raw?header=$h"
        $out = $r.Cookies | Out-String -Width 80
        $out | Should -Match 'Name\s+Value\s+Domain'
        $out | Should -Match 'session\s+abc123'
        $r.Cookies['session'].Value | Should -BeExactly 'abc123'
        $r.Cookies.Keys | Should -Be @('session')
        @($r.Cookies)[0] | Should -BeOfType ([AioHttp.Cookie])
    }

    It 'shows the response in Get-Error for a 404' {
        $err = $null
        Invoke-AioRequest "$base/status/404" -ErrorAction SilentlyContinue -ErrorVariable err
        $out = $err[0] | Get-Error | Out-String -Width 200
        $out | Should -Match 'Response\s+: <ClientResponse 404 Not Found: GET http://\S+/status/404, empty body>'
    }
}

Describe 'No view shows a password' {
    It 'hides the password of a user:password@ URL in every view of the response' {
        $r = Invoke-AioRequest "http://alice:pw-in-url@$hostPort/get"
        $r.RequestInfo.Headers['Authorization'] | Should -BeLike 'Basic *' -Because 'the credentials of the URL were sent'
        $views = @(
            $r | Out-String -Width 80
            $r | Format-Table | Out-String -Width 200
            $r | Format-List | Out-String -Width 200
            $r.Url | Out-String -Width 200
            $r.ToString()
        )
        foreach ($view in $views) { $view | Should -Not -Match 'pw-in-url' }
        ($r | Out-String -Width 80) | Should -Match ([regex]::Escape("http://$hostPort/get"))
    }

    It 'hides the password of -Credential in the session and its options' {
        $s = New-AioSession -Credential (New-TestCredential -User alice -Password 'cred-secret')
        try {
            $views = @(
                $s | Out-String -Width 200
                $s.Options | Out-String -Width 200
                $s.Options.Auth | Out-String -Width 200
                $s.Options.Auth | Format-List | Out-String -Width 200
                $s.Options.Auth.ToString()
            )
            foreach ($view in $views) { $view | Should -Not -Match 'cred-secret' }
            ($s.Options.Auth | Out-String) | Should -Match 'alice'
            ($s.Options | Out-String) | Should -Match 'Auth\s+: alice \(password hidden\)'
        } finally { Close-AioSession $s }
    }

    It 'hides proxy credentials, a base URL password and header values in the session options' {
        $s = New-AioSession -Proxy 'http://puser:proxy-secret@127.0.0.1:3128' -BaseUrl "http://bu:base-secret@$hostPort/" -Headers @{ Authorization = 'Bearer token-secret' }
        try {
            $views = @(
                $s | Out-String -Width 200
                $s.Options | Out-String -Width 200
                $s.Options.Proxy | Out-String -Width 200
                $s.Options.ProxyAuth | Out-String -Width 200
            )
            foreach ($view in $views) { $view | Should -Not -Match 'proxy-secret|base-secret|token-secret' }
            $out = $s.Options | Out-String -Width 200
            $out | Should -Match 'Proxy\s+: http://127\.0\.0\.1:3128'
            $out | Should -Match 'ProxyAuth\s+: puser \(password hidden\)'
            $out | Should -Match 'Headers\s+: Authorization'
        } finally { Close-AioSession $s }
    }

    It 'keeps the credentials of a proxy URL for the proxy, as -ProxyCredential' {
        $s = New-AioSession -Proxy 'http://puser:proxy-secret@127.0.0.1:3128'
        try {
            $s.Options.Proxy.UserInfo | Should -BeNullOrEmpty
            $s.Options.ProxyAuth.Login | Should -BeExactly 'puser'
            $s.Options.ProxyAuth.Password | Should -BeExactly 'proxy-secret'
        } finally { Close-AioSession $s }
    }
}

Describe 'Responses beyond one process' {
    It 'keeps Status, StatusCode, Url, Headers and the body text through Export-Clixml and Import-Clixml' {
        $dir = New-TestFolder
        $path = Join-Path $dir 'response.xml'
        Invoke-AioRequest "$base/response-headers?X-Twice=one&X-Twice=two" | Export-Clixml $path
        $d = Import-Clixml $path
        $d.Status | Should -Be 200
        $d.StatusCode | Should -Be 200
        $d.StatusDescription | Should -BeExactly 'OK'
        $d.Url | Should -BeExactly "$base/response-headers?X-Twice=one&X-Twice=two"
        $d.Headers['content-type'] | Should -BeLike 'application/json*'
        $d.Headers.'X-Twice' | Should -BeExactly 'one, two'
        ($d.Content | ConvertFrom-Json) | Should -Not -BeNullOrEmpty
        $d.Content | Should -BeOfType ([string])
    }

    It 'leaves the password of a user:password@ URL out of the serialised response' {
        $dir = New-TestFolder
        $path = Join-Path $dir 'response.xml'
        Invoke-AioRequest "http://alice:pw-in-url@$hostPort/get" | Export-Clixml $path
        Get-Content -Raw $path | Should -Not -Match 'pw-in-url'
        (Import-Clixml $path).Url | Should -BeExactly "http://$hostPort/get"
    }

    It 'keeps them through Start-Job and Receive-Job' {
        $job = Start-Job -ScriptBlock {
            param($Module, $Url)
            Import-Module $Module
            Invoke-AioRequest $Url
        } -ArgumentList $modulePath, "$base/json-nocharset"
        $d = $job | Receive-Job -Wait -AutoRemoveJob
        $d.StatusCode | Should -Be 200
        $d.Url | Should -BeExactly "$base/json-nocharset"
        $d.Headers.'Content-Type' | Should -BeLike 'application/json*'
        ($d.Content | ConvertFrom-Json).greeting | Should -BeExactly 'Привет'
    }
}
