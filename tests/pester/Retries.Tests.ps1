# Retries (issue 12): -MaximumRetryCount, -RetryIntervalSec, -RetryOn, -RetryNonIdempotent on a
# session and a request, against the scripted raw peer (each connection scripted: a failure, then
# the answer) so every attempt is a real exchange the peer recorded.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $base = (Get-TestServer).http
    function New-FailThenOk {
        # Connection 1 answers $Status (with $Extra header lines), the next ones 200 "ok".
        param([int] $Status = 503, [string] $Reason = 'Service Unavailable', [string] $Extra = '', [int] $Failures = 1)
        $fail = @(@{ send = "HTTP/1.1 $Status $Reason`r`n$($Extra)Content-Length: 4`r`nConnection: close`r`n`r`nfail" })
        $ok = @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok" })
        New-RawScript -Connections (@(1..$Failures | ForEach-Object { , $fail }) + , $ok)
    }
}

Describe 'Invoke-AioRequest -MaximumRetryCount' {
    It 'tries a 503 again and answers with the success, counting the attempts' {
        $script = New-FailThenOk
        $r = Invoke-AioRequest $script.Url -MaximumRetryCount 2 -RetryIntervalSec 0
        $r.Status | Should -Be 200
        $r.Text() | Should -Be 'ok'
        $r.Attempts | Should -Be 2
        @(Get-RawReceived $script).Count | Should -Be 2
    }

    It 'does not retry without -MaximumRetryCount (Attempts is 1)' {
        $script = New-FailThenOk
        $r = Invoke-AioRequest $script.Url -SkipHttpErrorCheck
        $r.Status | Should -Be 503
        $r.Attempts | Should -Be 1
        @(Get-RawReceived $script).Count | Should -Be 1
    }

    It 'writes a verbose line for each retry naming the method, URL, wait, attempt and status' {
        $script = New-FailThenOk -Failures 2
        $all = Invoke-AioRequest $script.Url -MaximumRetryCount 3 -RetryIntervalSec 0.05 -Verbose 4>&1
        $lines = @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message | Where-Object { $_ -like 'Retrying*' })
        $lines.Count | Should -Be 2
        $lines[0] | Should -Match "^Retrying GET $([regex]::Escape($script.Url)) in \d+\.\d s \(attempt 2 of 4\): 503 Service Unavailable$"
        $lines[1] | Should -Match '\(attempt 3 of 4\): 503 Service Unavailable$'
        ($all | Where-Object { $_ -is [AioHttp.ClientResponse] }).Attempts | Should -Be 3
    }

    It 'gives up after the last retry with the error carrying Attempts' {
        $script = New-FailThenOk -Status 502 -Reason 'Bad Gateway' -Failures 5
        $result = Invoke-Failing { Invoke-AioRequest $script.Url -MaximumRetryCount 2 -RetryIntervalSec 0 }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
        $result.Errors[0].Exception.Status | Should -Be 502
        $result.Errors[0].Exception.Attempts | Should -Be 3
        @(Get-RawReceived $script).Count | Should -Be 3
    }

    It 'waits at least the Retry-After seconds a 503 asks for' {
        $script = New-FailThenOk -Extra "Retry-After: 1`r`n"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-AioRequest $script.Url -MaximumRetryCount 1 -RetryIntervalSec 0
        $watch.Stop()
        $r.Status | Should -Be 200
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9
    }

    It 'reads a Retry-After HTTP date on a 429 as a minimum too' {
        $when = [DateTime]::UtcNow.AddSeconds(2).ToString('r')
        $script = New-FailThenOk -Status 429 -Reason 'Too Many Requests' -Extra "Retry-After: $when`r`n"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-AioRequest $script.Url -MaximumRetryCount 1 -RetryIntervalSec 0
        $watch.Stop()
        $r.Attempts | Should -Be 2
        # The date has whole seconds: at least one of the two seconds remains.
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9
    }

    It 'does not retry a status outside -RetryOn, and retries one inside it' {
        $script = New-FailThenOk -Status 404 -Reason 'Not Found'
        (Invoke-AioRequest $script.Url -MaximumRetryCount 2 -RetryIntervalSec 0 -SkipHttpErrorCheck).Status | Should -Be 404
        $script = New-FailThenOk -Status 404 -Reason 'Not Found'
        (Invoke-AioRequest $script.Url -MaximumRetryCount 2 -RetryIntervalSec 0 -RetryOn 404).Status | Should -Be 200
    }

    It 'does not retry a POST on a status without -RetryNonIdempotent' {
        $script = New-FailThenOk
        $r = Invoke-AioRequest $script.Url -Method POST -Body 'x' -MaximumRetryCount 2 -RetryIntervalSec 0 -SkipHttpErrorCheck
        $r.Status | Should -Be 503
        @(Get-RawReceived $script).Count | Should -Be 1
    }

    It 'retries a POST with -RetryNonIdempotent, sending the same body again' {
        $script = New-FailThenOk
        $r = Invoke-AioRequest $script.Url -Method POST -Body 'payload' -MaximumRetryCount 2 -RetryIntervalSec 0 -RetryNonIdempotent
        $r.Status | Should -Be 200
        $received = @(Get-RawReceived $script)
        $received.Count | Should -Be 2
        $received[1] | Should -Match "`r`n`r`npayload$"
    }

    It 'refuses to retry a ScriptBlock body, saying it can only be sent once' {
        $script = New-FailThenOk
        $result = Invoke-Failing { Invoke-AioRequest $script.Url -Method POST -Body { 'abc' } -MaximumRetryCount 2 -RetryIntervalSec 0 -RetryNonIdempotent }
        $result.Output.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.Message | Should -Match 'can only be sent once'
        $result.Errors[0].Exception.Message | Should -Match '503'
        @(Get-RawReceived $script).Count | Should -Be 1
    }

    It 'retries a refused connection and reports the attempts on the error' {
        $url = "http://127.0.0.1:$(Get-FreeTcpPort)/"
        $result = Invoke-Failing { Invoke-AioRequest $url -MaximumRetryCount 2 -RetryIntervalSec 0.01 -Verbose 4>&1 }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorError*'
        $result.Errors[0].Exception.Attempts | Should -Be 3
        @($result.Output | Where-Object { "$_" -like 'Retrying GET*(attempt 3 of 3)*' }).Count | Should -Be 1
    }

    It 'does not start a wait that would pass -Timeout: the last response is the answer' {
        $script = New-FailThenOk -Extra "Retry-After: 60`r`n"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-AioRequest $script.Url -MaximumRetryCount 3 -Timeout 5 -SkipHttpErrorCheck
        $watch.Stop()
        $r.Status | Should -Be 503
        $r.Attempts | Should -Be 1
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        @(Get-RawReceived $script).Count | Should -Be 1
    }

    It 'keeps the pipeline going: every input is retried and comes out in order' {
        $scripts = 1..3 | ForEach-Object { New-FailThenOk }
        $responses = @($scripts.Url | Invoke-AioRequest -MaximumRetryCount 1 -RetryIntervalSec 0.2 -ThrottleLimit 3)
        $responses.Count | Should -Be 3
        $responses.Status | Should -Be 200, 200, 200
        $responses.Attempts | Should -Be 2, 2, 2
        for ($i = 0; $i -lt 3; $i++) { "$($responses[$i].Url)" | Should -Be $scripts[$i].Url }
    }
}

Describe 'A request waiting to retry' {
    It 'holds no connection slot: another request on a one-connection session finishes meanwhile' {
        $s = New-AioSession -Limit 1
        try {
            $script = New-FailThenOk -Extra "Retry-After: 2`r`n"
            $out = @($script.Url, "$base/get" | Invoke-AioRequest -Session $s -MaximumRetryCount 1 -RetryIntervalSec 0 -ThrottleLimit 2 -AsCompleted)
            $out.Count | Should -Be 2
            # The second input got the only slot while the first waited out its Retry-After.
            "$($out[0].Url)" | Should -Be "$base/get"
            $out[1].Attempts | Should -Be 2
            $s.InUse | Should -Be 0
        } finally { Close-AioSession $s }
    }
}

Describe 'New-AioSession retry settings' {
    It 'retries every request of the session, and a request may turn it off' {
        $s = New-AioSession -MaximumRetryCount 1 -RetryIntervalSec 0
        try {
            $script = New-FailThenOk
            (Invoke-AioRequest $script.Url -Session $s).Attempts | Should -Be 2
            $script = New-FailThenOk
            $r = Invoke-AioRequest $script.Url -Session $s -MaximumRetryCount 0 -SkipHttpErrorCheck
            $r.Status | Should -Be 503
            $r.Attempts | Should -Be 1
        } finally { Close-AioSession $s }
    }

    It 'keeps -RetryOn and -RetryNonIdempotent as the session defaults' {
        $s = New-AioSession -MaximumRetryCount 1 -RetryIntervalSec 0 -RetryOn 418 -RetryNonIdempotent
        try {
            $script = New-FailThenOk -Status 418 -Reason "I'm a teapot"
            (Invoke-AioRequest $script.Url -Session $s -Method POST -Body 'x').Status | Should -Be 200
            $script = New-FailThenOk
            (Invoke-AioRequest $script.Url -Session $s -SkipHttpErrorCheck).Status | Should -Be 503
        } finally { Close-AioSession $s }
    }
}

Describe 'Bad retry settings' {
    It 'refuses <Parameter> <Value> naming the parameter' -ForEach @(
        @{ Parameter = 'MaximumRetryCount'; Value = -1 }
        @{ Parameter = 'RetryIntervalSec'; Value = -1 }
        @{ Parameter = 'RetryOn'; Value = 200 }
        @{ Parameter = 'RetryOn'; Value = 600 }
        @{ Parameter = 'RetryOn'; Value = 99 }
    ) {
        $splat = @{ $Parameter = $Value }
        $err = { Invoke-AioRequest "$base/get" @splat -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError*' -PassThru
        $err.Exception.Message | Should -Match $Parameter
        $err = { New-AioSession @splat } | Should -Throw -ErrorId 'ParameterArgumentValidationError*' -PassThru
        $err.Exception.Message | Should -Match $Parameter
    }
}
