#Requires -Version 7.0
# Upload progress: a file or stream body (-InFile, file parts of -Form or of a New-AioFormData form,
# a FileInfo or Stream -Body) shows a Write-Progress bar per upload in flight, counted as the
# connection takes the bytes, as -OutFile downloads do; $ProgressPreference is honoured, and the bar
# is completed however the upload ends (sent, failed, stopped). The test server's /upload-slow reads
# at a set rate, so an upload lasts long enough to be watched.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:base = (Get-TestServer).http

    $script:work = New-TestFolder
    $script:file = Join-Path $work 'upload.bin'
    [IO.File]::WriteAllBytes($file, [byte[]]::new(12MB))
    # Random bytes: gzip cannot shrink them, so the compressed upload lasts as long as the plain one.
    $script:random = Join-Path $work 'random.bin'
    $bytes = [byte[]]::new(12MB)
    [Random]::new(13).NextBytes($bytes)
    [IO.File]::WriteAllBytes($random, $bytes)
    # About 3 s for the 12 MB file, less what the socket buffers take at once.
    $script:slow = "$base/upload-slow?bytes_per_second=4000000"

    # The progress records of each bar (by ActivityId), in the order they were written.
    function script:Get-Bars($Records) {
        $Records | Group-Object ActivityId | ForEach-Object {
            [pscustomobject]@{
                Id        = [int] $_.Name
                Updates   = @($_.Group | Where-Object RecordType -EQ 'Processing')
                Completed = @($_.Group | Where-Object RecordType -EQ 'Completed')
            }
        }
    }
}

Describe 'Upload progress bar' {
    It 'shows bytes sent of the total with speed for -InFile, the percentage climbing, then completes the bar' {
        $result = Invoke-WithProgress "(Invoke-AioRequest '$slow' -Method POST -InFile '$file').Json().size" 'Continue'
        $result.Output | Should -Be 12MB
        $bars = @(Get-Bars $result.Progress)
        $bars | Should -HaveCount 1
        $updates = $bars[0].Updates
        $updates.Count | Should -BeGreaterThan 2
        $updates[0].Activity | Should -Match '^Uploading to http://.*/upload-slow'
        $updates[0].CurrentOperation | Should -BeLike "*$file*"
        $updates | ForEach-Object { $_.StatusDescription | Should -Match '^[\d.]+ (B|KB|MB) of 12\.0 MB \([\d.]+ (B|KB|MB)/s\)$' }
        $percents = @($updates.PercentComplete)
        for ($i = 1; $i -lt $percents.Count; $i++) { $percents[$i] | Should -BeGreaterOrEqual $percents[$i - 1] }
        $percents[-1] | Should -BeGreaterThan $percents[0]
        $percents[0] | Should -BeLessThan 100
        $bars[0].Completed | Should -HaveCount 1
        $result.Progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'shows a bar for a file part of -Form' {
        $result = Invoke-WithProgress "(Invoke-AioRequest '$slow' -Method POST -Form @{ note = 'hi'; file = Get-Item '$file' }).Json().size" 'Continue'
        $result.Output | Should -BeGreaterThan 12MB   # the file and the form's framing
        $bars = @(Get-Bars $result.Progress)
        $bars | Should -HaveCount 1
        $bars[0].Updates.Count | Should -BeGreaterThan 1
        $bars[0].Updates[-1].CurrentOperation | Should -Be 'a multipart/form-data body of 2 part(s)'
        $bars[0].Updates[-1].StatusDescription | Should -Match ' of 12\.0 MB '
        $bars[0].Completed | Should -HaveCount 1
    }

    It 'shows a bar for a New-AioFormData form with a file field given as -Body' {
        $script = "`$form = New-AioFormData; Add-AioFormField -FormData `$form -Name upload -Path '$file'; " +
            "(Invoke-AioRequest '$slow' -Method POST -Body `$form).Json().size"
        $result = Invoke-WithProgress $script 'Continue'
        $result.Output | Should -BeGreaterThan 12MB
        $bars = @(Get-Bars $result.Progress)
        $bars | Should -HaveCount 1
        $bars[0].Updates.Count | Should -BeGreaterThan 1
        $bars[0].Completed | Should -HaveCount 1
    }

    It 'shows a bar for a FileInfo -Body and for a Stream -Body' {
        $script = "(Invoke-AioRequest '$slow' -Method POST -Body (Get-Item '$file')).Json().size; " +
            "`$s = [IO.File]::OpenRead('$file'); try { (Invoke-AioRequest '$slow' -Method POST -Body `$s).Json().size } finally { `$s.Dispose() }"
        $result = Invoke-WithProgress $script 'Continue'
        $result.Output | Should -Be @(12MB, 12MB)
        # Each command numbers its own bars; both commands wrote one, each completed.
        @($result.Progress | Where-Object RecordType -EQ 'Completed') | Should -HaveCount 2
        $streamed = @($result.Progress | Where-Object CurrentOperation -EQ "a stream of $(12MB) bytes")
        $streamed.Count | Should -BeGreaterThan 1
        $streamed[-1].PercentComplete | Should -BeGreaterThan 0
    }

    It 'shows bytes and speed without a percentage when the size is not known ahead (a compressed body)' {
        $result = Invoke-WithProgress "(Invoke-AioRequest '$slow' -Method POST -InFile '$random' -Compress gzip).Json().size" 'Continue'
        $result.Output | Should -BeGreaterOrEqual 12MB
        $bars = @(Get-Bars $result.Progress)
        $bars[0].Updates.Count | Should -BeGreaterThan 1
        $bars[0].Updates | ForEach-Object {
            $_.StatusDescription | Should -Match '^[\d.]+ (B|KB|MB) \([\d.]+ (B|KB|MB)/s\)$'
            $_.PercentComplete | Should -Be -1
            $_.SecondsRemaining | Should -Be -1
        }
        $bars[0].Completed | Should -HaveCount 1
    }

    It 'shows no bar for a body already in memory (a string)' {
        $result = Invoke-WithProgress "(Invoke-AioRequest '$slow' -Method POST -Body ('x' * 3MB)).Json().size" 'Continue'
        $result.Output | Should -Be 3MB
        $result.Progress | Should -BeNullOrEmpty
    }

    It 'does not show a password given in the URL' {
        $withPassword = $slow -replace '^http://', 'http://alice:s3cret@'
        $result = Invoke-WithProgress "(Invoke-AioRequest '$withPassword' -Method POST -InFile '$file').Json().size" 'Continue'
        $result.Output | Should -Be 12MB
        $updates = @($result.Progress | Where-Object RecordType -EQ 'Processing')
        $updates.Count | Should -BeGreaterThan 0
        $updates | ForEach-Object { $_.Activity | Should -Match '^Uploading to http://127\.0\.0\.1:\d+/upload-slow' }
        $result.Progress.Activity -match 's3cret' | Should -BeNullOrEmpty
    }

    It 'writes no progress at all when $ProgressPreference is SilentlyContinue' {
        $result = Invoke-WithProgress "(Invoke-AioRequest '$slow' -Method POST -InFile '$file').Json().size" 'SilentlyContinue'
        $result.Output | Should -Be 12MB
        $result.Progress | Should -BeNullOrEmpty
    }

    It 'writes no progress with -ProgressAction SilentlyContinue' {
        $quiet = Invoke-WithProgress "(Invoke-AioRequest '$slow' -Method POST -InFile '$file' -ProgressAction SilentlyContinue).Json().size" 'Continue'
        $quiet.Output | Should -Be 12MB
        $quiet.Progress | Should -BeNullOrEmpty
    }
}

Describe 'Upload progress of several uploads' {
    It 'gives each upload in flight from the pipeline a bar of its own, each completed' {
        $script = "1..3 | ForEach-Object { '$slow&n=' + `$_ } | Invoke-AioRequest -Method POST -InFile '$file' -ThrottleLimit 3 | ForEach-Object { `$_.Json().size }"
        $result = Invoke-WithProgress $script 'Continue'
        $result.Output | Should -Be @(12MB, 12MB, 12MB)
        $bars = @(Get-Bars $result.Progress)
        $bars | Should -HaveCount 3
        $bars | ForEach-Object {
            $_.Updates.Count | Should -BeGreaterThan 1
            $_.Completed | Should -HaveCount 1
            $_.Updates[-1].Activity | Should -Match "/upload-slow\?bytes_per_second=\d+&n=$($_.Id)$"
        }
        # The bars overlap: a bar was updated after another one had first been shown.
        $first = [array]::IndexOf($result.Progress, $bars[1].Updates[0])
        [array]::IndexOf($result.Progress, $bars[0].Updates[-1]) | Should -BeGreaterThan $first
    }

    It 'completes the bars of the uploads cancelled when Select-Object -First stops the pipeline' {
        # The last input is read fast and comes out first (-AsCompleted); the two slow ones are still sending.
        $script = "'$slow&n=1', '$slow&n=2', '$base/upload-slow?bytes_per_second=12000000&n=3' | " +
            "Invoke-AioRequest -Method POST -InFile '$file' -ThrottleLimit 3 -AsCompleted | Select-Object -First 1 | ForEach-Object { `$_.Json().size }"
        $result = Invoke-WithProgress $script 'Continue'
        $result.Output | Should -Be 12MB
        $bars = @(Get-Bars $result.Progress | Where-Object { $_.Updates.Count -gt 0 })
        $bars.Count | Should -BeGreaterOrEqual 2
        $bars | ForEach-Object { $_.Completed | Should -HaveCount 1 }
        $result.Progress[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'Upload progress when the upload does not finish' {
    It 'completes the bar and reports the error when the server closes the connection mid-upload' {
        $result = Invoke-WithProgress "Invoke-AioRequest '$slow&close_after=$(6MB)' -Method POST -InFile '$file'" 'Continue' -AllowErrors
        $result.Output | Should -BeNullOrEmpty
        $result.Errors | Should -HaveCount 1
        $result.Errors[0].Exception.Message | Should -Match 'upload-slow'
        $bars = @(Get-Bars $result.Progress)
        $bars | Should -HaveCount 1
        $bars[0].Updates.Count | Should -BeGreaterThan 0
        $bars[0].Updates[-1].PercentComplete | Should -BeLessThan 100
        $bars[0].Completed | Should -HaveCount 1
    }

    It 'completes the bar when the upload is stopped (Ctrl+C)' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$((Get-Module AioHttp).Path)'; `$ProgressPreference = 'Continue'; Invoke-AioRequest '$base/upload-slow?bytes_per_second=500000' -Method POST -InFile '$file'")
            $async = $ps.BeginInvoke()
            Wait-Until { @($ps.Streams.Progress).Count -gt 0 } 'the upload to show its bar' 10
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
            $records = @($ps.Streams.Progress)
            $records[0].RecordType | Should -Be 'Processing'
            $records[-1].RecordType | Should -Be 'Completed'
            $records[-1].ActivityId | Should -Be $records[0].ActivityId
        } finally { $ps.Dispose() }
    }

    It 'refuses a missing -InFile file with the same clear error as before, and shows no bar' {
        $missing = Join-Path $work 'no-such-file.bin'
        $result = Invoke-WithProgress "Invoke-AioRequest '$slow' -Method POST -InFile '$missing'" 'Continue' -AllowErrors
        $result.Errors | Should -HaveCount 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound*'
        $result.Errors[0].Exception.Message | Should -BeLike "*$missing*does not exist*"
        $result.Progress | Should -BeNullOrEmpty
    }
}
