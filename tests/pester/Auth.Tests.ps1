# -Authentication Basic|Bearer|Digest with -Credential or -Token (issue 13, Authentication): Digest
# (RFC 7616) against the test server's /digest-auth, challenge reuse and stale nonces read from the
# server's request log, the cross-origin rule for every kind, and the secret never shown.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:token = 'tok-' + [guid]::NewGuid().ToString('N')
    $script:secureToken = ConvertTo-SecureString $token -AsPlainText -Force

    # A /digest-auth URL of its own (a fresh user name), so the request log shows this test's requests alone.
    function New-DigestPath([string] $Algorithm = 'MD5', [string] $Qop = 'auth', [string] $User = ('u' + [guid]::NewGuid().ToString('N').Substring(0, 12))) {
        [pscustomobject]@{ Path = "/digest-auth/$Qop/$User/pw/$Algorithm"; Credential = (New-TestCredential $User 'pw') }
    }

    # The Authorization each recorded request under $Path carried ('' when none), oldest first.
    function Get-SentAuthorization([string] $Path) {
        foreach ($entry in Get-Recorded -Path $Path) {
            $value = ''
            foreach ($pair in $entry.headers) { if ($pair[0] -eq 'Authorization') { $value = $pair[1] } }
            $value
        }
    }
}

Describe 'Authentication kinds' {
    It 'sends Basic credentials with -Authentication Basic' {
        $r = Invoke-AioRequest "$base/basic-auth/alice/s3cret" -Authentication Basic -Credential (New-TestCredential)
        $r.Status | Should -Be 200
        $r.Json().authenticated | Should -BeTrue
    }

    It 'sends Authorization: Bearer <token> with -Authentication Bearer -Token' {
        $r = Invoke-AioRequest "$base/bearer" -Authentication Bearer -Token $secureToken
        $r.Json().token | Should -BeExactly $token
    }

    It 'answers a Digest challenge with <_>' -ForEach 'MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess' {
        $d = New-DigestPath $_
        $r = Invoke-AioRequest "$base$($d.Path)" -Authentication Digest -Credential $d.Credential
        $r.Status | Should -Be 200
        $r.Json().authenticated | Should -BeTrue
        $sent = @(Get-SentAuthorization $d.Path)
        $sent.Count | Should -Be 2 -Because 'the first request is challenged, the second answers'
        $sent[0] | Should -BeExactly ''
        $sent[1] | Should -BeLike "Digest username=*algorithm=$_,*qop=auth, nc=00000001*"
    }

    It 'sends a session''s Digest answer at once on later requests, the nonce count going up' {
        $d = New-DigestPath
        $s = New-AioSession -Authentication Digest -Credential $d.Credential
        try {
            (Invoke-AioRequest "$base$($d.Path)" -Session $s).Status | Should -Be 200
            (Invoke-AioRequest "$base$($d.Path)?second=1" -Session $s).Status | Should -Be 200
            $sent = @(Get-SentAuthorization $d.Path)
            $sent.Count | Should -Be 3 -Because 'the second request of the session is not challenged again'
            $sent[2] | Should -BeLike '*nc=00000002*'
            $sent[2] | Should -BeLike '*uri="/digest-auth/*?second=1"*'
        }
        finally { Close-AioSession $s }
    }

    It 'asks again with the new nonce when the server says the nonce is stale' {
        $d = New-DigestPath
        $s = New-AioSession -Authentication Digest -Credential $d.Credential
        try {
            (Invoke-AioRequest "$base$($d.Path)?stale_after=1" -Session $s).Status | Should -Be 200
            (Invoke-AioRequest "$base$($d.Path)?stale_after=1" -Session $s).Status | Should -Be 200
            $sent = @(Get-SentAuthorization $d.Path)
            $sent.Count | Should -Be 4
            $sent[2] | Should -BeLike '*nc=00000002*' -Because 'the kept challenge was tried first'
            $sent[3] | Should -BeLike '*nc=00000001*' -Because 'the new nonce starts its own count'
            ($sent[3] -replace '.*nonce="([^"]*)".*', '$1') | Should -Not -Be ($sent[2] -replace '.*nonce="([^"]*)".*', '$1')
        }
        finally { Close-AioSession $s }
    }

    It 'gives up after one answer to a Digest challenge with a wrong password' {
        $d = New-DigestPath
        $r = Invoke-AioRequest "$base$($d.Path)" -Authentication Digest -Credential (New-TestCredential $d.Credential.UserName 'wrong') -SkipHttpErrorCheck
        $r.Status | Should -Be 401
        @(Get-SentAuthorization $d.Path).Count | Should -Be 2
    }

    It 'refuses a Digest challenge with <Qop>/<Algorithm>, naming what the server asked' -ForEach @(
        @{ Qop = 'auth-int'; Algorithm = 'MD5'; Named = 'qop=auth-int' }
        @{ Qop = 'auth'; Algorithm = 'SHA-512'; Named = 'algorithm=SHA-512' }
    ) {
        $d = New-DigestPath $Algorithm $Qop
        $result = Invoke-Failing { Invoke-AioRequest "$base$($d.Path)" -Authentication Digest -Credential $d.Credential }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.Message | Should -BeLike "*$Named*"
        @(Get-SentAuthorization $d.Path).Count | Should -Be 1
    }

    It 'refuses to answer a Digest challenge when the body can only be sent once' {
        $d = New-DigestPath
        $result = Invoke-Failing { Invoke-AioRequest "$base$($d.Path)" -Method POST -Body { 'abc' } -Authentication Digest -Credential $d.Credential }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.Message | Should -Match 'can only be sent once'
        @(Get-SentAuthorization $d.Path).Count | Should -Be 1
    }

    It 'answers a Digest challenge to a websocket upgrade' {
        $d = New-DigestPath
        $ws = Connect-AioWebSocket (($base -replace '^http', 'ws') + $d.Path) -Authentication Digest -Credential $d.Credential
        try { (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Data | Should -BeExactly 'authenticated' }
        finally { Disconnect-AioWebSocket $ws }
        @(Get-SentAuthorization $d.Path).Count | Should -Be 2
    }

    It 'sends a websocket''s bearer token with the upgrade' {
        $ws = Connect-AioWebSocket (($base -replace '^http', 'ws') + '/ws/headers') -Authentication Bearer -Token $secureToken
        try { $null = Receive-AioWebSocket $ws -Count 1 -Timeout 10 }
        finally { Disconnect-AioWebSocket $ws }
        @(Get-SentAuthorization '/ws/headers')[-1] | Should -BeExactly "Bearer $token"
    }
}

Describe 'Credentials of every kind stay with their origin' {
    It 'does not send a bearer token to another origin after a redirect' {
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 0`r`n`r`n" })
        $r = Invoke-AioRequest (Get-RedirectUrl $script.Url) -Authentication Bearer -Token $secureToken
        $r.Status | Should -Be 200
        $received = @(Get-RawReceived $script)[0]
        $received | Should -Not -BeLike '*Authorization*'
        $received | Should -Not -BeLike "*$token*"
    }

    It 'does not send a Digest answer to another origin after a redirect' {
        $d = New-DigestPath
        $s = New-AioSession -Authentication Digest -Credential $d.Credential
        try {
            $null = Invoke-AioRequest "$base$($d.Path)" -Session $s
            $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 0`r`n`r`n" })
            $r = Invoke-AioRequest (Get-RedirectUrl $script.Url) -Session $s
            $r.Status | Should -Be 200
            @(Get-RawReceived $script)[0] | Should -Not -BeLike '*Authorization*'
        }
        finally { Close-AioSession $s }
    }

    It 'sends a session''s Digest answer only to the origin that challenged it' {
        $d = New-DigestPath
        $s = New-AioSession -Authentication Digest -Credential $d.Credential
        try {
            $null = Invoke-AioRequest "$base$($d.Path)" -Session $s
            $r = Invoke-AioRequest "$($srv.http2)/anything/digest-elsewhere" -Session $s
            $r.Json().headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        }
        finally { Close-AioSession $s }
    }
}

Describe 'A token is never shown' {
    It 'is not in a response''s Format-List *' {
        $r = Invoke-AioRequest "$base/status/200" -Authentication Bearer -Token $secureToken
        ($r | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$token*"
        ($r.RequestInfo | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$token*"
        $r.RequestInfo.Headers['Authorization'] | Should -Not -BeNullOrEmpty
    }

    It 'is not in a session''s Format-List *' {
        $s = New-AioSession -Authentication Bearer -Token $secureToken
        try {
            ($s | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$token*"
            ($s | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$token*"
            ($s.PSObject.Properties.Value | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$token*"
        }
        finally { Close-AioSession $s }
    }

    It 'is not in -Debug output' {
        $DebugPreference = 'Continue'
        $lines = Invoke-AioRequest "$base/status/200" -Authentication Bearer -Token $secureToken -Debug 5>&1 |
            Where-Object { $_ -is [Management.Automation.DebugRecord] } | ForEach-Object Message
        @($lines).Count | Should -BeGreaterThan 0
        ($lines -join "`n") | Should -BeLike '*Authorization*'
        ($lines -join "`n") | Should -Not -BeLike "*$token*"
    }

    It 'is not in the error of a refused request' {
        $result = Invoke-Failing { Invoke-AioRequest "$base/status/401" -Authentication Bearer -Token $secureToken }
        $result.Errors.Count | Should -Be 1
        ($result.Errors[0] | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$token*"
        ($result.Errors[0].Exception | Format-List * -Force | Out-String -Width 4096) | Should -Not -BeLike "*$token*"
    }
}

Describe 'Authentication parameters that do not fit' {
    It 'refuses <Name>, naming the parameters' -ForEach @(
        @{ Name = '-Authentication Bearer without -Token'; Params = @{ Authentication = 'Bearer' }; Named = '-Token' }
        @{ Name = '-Authentication Digest without -Credential'; Params = @{ Authentication = 'Digest' }; Named = '-Credential' }
        @{ Name = '-Token with -Authentication Basic'; Params = @{ Authentication = 'Basic'; Token = 'token' }; Named = '-Token' }
        @{ Name = '-Token with -Credential'; Params = @{ Authentication = 'Bearer'; Token = 'token'; Credential = 'cred' }; Named = '-Credential' }
        @{ Name = '-Token without -Authentication'; Params = @{ Token = 'token' }; Named = '-Authentication Bearer' }
    ) {
        $splat = @{}
        foreach ($key in $Params.Keys) {
            $splat[$key] = switch ($Params[$key]) { 'token' { $secureToken } 'cred' { New-TestCredential } default { $_ } }
        }
        foreach ($command in { Invoke-AioRequest "$base/status/200" @splat }, { New-AioSession @splat }, { Connect-AioWebSocket (($base -replace '^http', 'ws') + '/ws/echo') @splat }) {
            $result = Invoke-Failing $command
            $result.Output.Count | Should -Be 0
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
            $result.Errors[0].Exception.Message | Should -BeLike "*$Named*"
        }
    }
}
