<#
.SYNOPSIS
    What PowerShell's per-record parameter binding costs a pipeline of URL strings, apart from any
    request: N strings piped into empty compiled cmdlets of four parameter shapes, cold (first pass
    in this process) and warm (second pass). A profiling aid for issue 11, not part of -Task Bench.
.DESCRIPTION
    shaped  Invoke-AioRequest's pipeline parameters: -Uri by value and by property name (alias Url),
            -Method and -Headers by property name, and four parameter sets whose mandatory -Body,
            -Json, -Form, -InFile bind by property name
    three   the same with -Uri, -Method, -Headers by property name only (the sets' parameters not)
    sets    the four parameter sets, -Uri by value only, nothing by property name
    plain   -Uri by value only
    Run it in a fresh pwsh, several orders: the first shape that binds by property name pays for the
    binder's cold path.
.EXAMPLE
    pwsh -NoProfile -File bench/Pipeline/BindingCost.ps1 -Order shaped,three,sets,plain
#>
param([int] $N = 20000, [string] $Order = 'shaped,three,sets,plain')
$types = Add-Type -PassThru -TypeDefinition @'
using System.Collections;
using System.Management.Automation;
[Cmdlet("Test", "Shaped", DefaultParameterSetName = "Default")]
public sealed class TestShaped : PSCmdlet {
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)] [Alias("Url")] [ValidateNotNullOrEmpty] public string Uri { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateNotNullOrEmpty] public string Method { get; set; } = "GET";
    [Parameter(ValueFromPipelineByPropertyName = true)] public IDictionary Headers { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Body", ValueFromPipelineByPropertyName = true)] [AllowEmptyString] public object Body { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Json", ValueFromPipelineByPropertyName = true)] [AllowNull] public object Json { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Form", ValueFromPipelineByPropertyName = true)] [ValidateNotNull] public IDictionary Form { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "InFile", ValueFromPipelineByPropertyName = true)] [ValidateNotNullOrEmpty] public string InFile { get; set; }
    public long Seen;
    protected override void ProcessRecord() { Seen++; }
    protected override void EndProcessing() { WriteObject(Seen); }
}
[Cmdlet("Test", "Plain")]
public sealed class TestPlain : PSCmdlet {
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)] [Alias("Url")] [ValidateNotNullOrEmpty] public string Uri { get; set; }
    public long Seen;
    protected override void ProcessRecord() { Seen++; }
    protected override void EndProcessing() { WriteObject(Seen); }
}
[Cmdlet("Test", "ThreeByName", DefaultParameterSetName = "Default")]
public sealed class TestThreeByName : PSCmdlet {
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)] [Alias("Url")] [ValidateNotNullOrEmpty] public string Uri { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [ValidateNotNullOrEmpty] public string Method { get; set; } = "GET";
    [Parameter(ValueFromPipelineByPropertyName = true)] public IDictionary Headers { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Body")] [AllowEmptyString] public object Body { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Json")] [AllowNull] public object Json { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Form")] [ValidateNotNull] public IDictionary Form { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "InFile")] [ValidateNotNullOrEmpty] public string InFile { get; set; }
    public long Seen;
    protected override void ProcessRecord() { Seen++; }
    protected override void EndProcessing() { WriteObject(Seen); }
}
[Cmdlet("Test", "SetsByValue", DefaultParameterSetName = "Default")]
public sealed class TestSetsByValue : PSCmdlet {
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)] [Alias("Url")] [ValidateNotNullOrEmpty] public string Uri { get; set; }
    [Parameter] [ValidateNotNullOrEmpty] public string Method { get; set; } = "GET";
    [Parameter] public IDictionary Headers { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Body")] [AllowEmptyString] public object Body { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Json")] [AllowNull] public object Json { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Form")] [ValidateNotNull] public IDictionary Form { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "InFile")] [ValidateNotNullOrEmpty] public string InFile { get; set; }
    public long Seen;
    protected override void ProcessRecord() { Seen++; }
    protected override void EndProcessing() { WriteObject(Seen); }
}
'@
Import-Module -Assembly $types[0].Assembly
$urls = [string[]]::new($N); for ($i = 0; $i -lt $N; $i++) { $urls[$i] = "http://127.0.0.1/data.json?n=$i" }
foreach ($pass in 1, 2) {
    foreach ($kind in $Order -split ',') {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $seen = switch ($kind) { 'shaped' { $urls | Test-Shaped } 'plain' { $urls | Test-Plain } 'three' { $urls | Test-ThreeByName } 'sets' { $urls | Test-SetsByValue } }
        '{0} pass {1}: {2:0} us per record ({3} records)' -f $kind, $pass, ($sw.Elapsed.TotalMilliseconds * 1000 / $N), $seen
    }
}
