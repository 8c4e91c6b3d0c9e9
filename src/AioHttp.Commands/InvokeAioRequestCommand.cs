using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AioHttp.Commands;

/// <summary>
/// Invoke-AioRequest: aiohttp's session.request(...) and reading the response. Pipeline inputs run
/// concurrently on the session's pool (up to -ThrottleLimit); results come out in input order
/// unless -AsCompleted. Only the pipeline thread writes to the pipeline; waiting is cancellable.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AioRequest", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(ClientResponse))]
public sealed class InvokeAioRequestCommand : PSCmdlet, IDisposable
{
    private const string DefaultSet = "Default";
    private const string BodySet = "Body";
    private const string JsonSet = "Json";
    private const string FormSet = "Form";
    private const string InFileSet = "InFile";

    private readonly CancellationTokenSource _stop = new();
    private readonly InFlightRequests _inFlight = new();
    private bool _finished;
    private ScriptBlockBody? _scriptBody;
    private string? _outPath;
    private DownloadProgressBar? _progressBar;
    private string? _outFileTakenBy;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string Uri { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(HttpMethodCompleter))]
    [ValidateNotNullOrEmpty]
    public string Method { get; set; } = "GET";

    [Parameter]
    [ValidateNotNull]
    public ClientSession? Session { get; set; }

    [Parameter]
    [Alias("Params")]
    public object? Query { get; set; }

    [Parameter]
    public SwitchParameter Encoded { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public IDictionary? Headers { get; set; }

    [Parameter]
    public IDictionary? Cookies { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = BodySet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public object? Body { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = JsonSet, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object? Json { get; set; }

    /// <summary>A multipart form: FileInfo values become file parts, other values text fields.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FormSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public IDictionary Form { get; set; } = null!;

    /// <summary>A file sent as the body, streamed from disk.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InFileSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string InFile { get; set; } = null!;

    [Parameter(ParameterSetName = BodySet)]
    [Parameter(ParameterSetName = JsonSet)]
    [Parameter(ParameterSetName = FormSet)]
    [Parameter(ParameterSetName = InFileSet)]
    [ValidateSet("gzip", "deflate")]
    public string? Compress { get; set; }

    [Parameter(ParameterSetName = BodySet)]
    [Parameter(ParameterSetName = JsonSet)]
    [Parameter(ParameterSetName = FormSet)]
    [Parameter(ParameterSetName = InFileSet)]
    public SwitchParameter Chunked { get; set; }

    [Parameter]
    public SwitchParameter Expect100 { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ContentType { get; set; }

    [Parameter]
    public SwitchParameter NoRedirect { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? MaximumRedirection { get; set; }

    [Parameter]
    public SwitchParameter PreserveAuthorizationOnRedirect { get; set; }

    [Parameter]
    public SwitchParameter AllowInsecureRedirect { get; set; }

    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double? Timeout { get; set; }

    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double? ConnectTimeout { get; set; }

    [Parameter]
    [ValidateRange(0.0, 2147483.0)]
    public double? ReadTimeout { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    [Parameter]
    public SwitchParameter SkipHttpErrorCheck { get; set; }

    [Parameter]
    [ValidateSet("1.1", "2")]
    public string? HttpVersion { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Fingerprint { get; set; }

    [Parameter]
    public SwitchParameter Stream { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary>The most bytes the body may decode to (0 = none); unset: 1 GiB for a body read into memory, none for -OutFile and -Stream.</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? MaximumResponseSize { get; set; }

    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 8;

    [Parameter]
    public SwitchParameter AsCompleted { get; set; }

    protected override void BeginProcessing()
    {
        if (OutFile is null)
        {
            if (PassThru) ThrowArgumentError("PassThruWithoutOutFile", "-PassThru only applies with -OutFile (the response is written anyway without it). Add -OutFile <path>, or drop -PassThru.");
            if (Resume) ThrowArgumentError("ResumeWithoutOutFile", "-Resume continues a partial file and needs -OutFile <path> naming it. Add -OutFile, or drop -Resume.");
            return;
        }
        if (Stream) ThrowArgumentError("OutFileWithStream", "-OutFile and -Stream cannot be used together: -OutFile reads the body into the file, -Stream leaves it unread for you. Use one of them.");
        try
        {
            _outPath = FileDownload.ResolveTarget(SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile));
            if (Resume && Directory.Exists(_outPath))
                throw new ArgumentException($"-Resume needs -OutFile to name the partial file, but '{_outPath}' is a folder. Give the file's path.");
        }
        catch (DirectoryNotFoundException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "OutFileFolderNotFound", ErrorCategory.ObjectNotFound, OutFile));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or ProviderNotFoundException or PSNotSupportedException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "InvalidOutFile", ErrorCategory.InvalidArgument, OutFile));
        }
        if (GetVariableValue("ProgressPreference") is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore or "SilentlyContinue" or "Ignore"))
            _progressBar = new DownloadProgressBar(this);
    }

    private void ThrowArgumentError(string errorId, string message) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, null));

    protected override void ProcessRecord()
    {
        RequestOptions request;
        ClientSession session;
        try
        {
            session = Session ?? DefaultSession.Instance;
            if (session.Closed) throw new SessionClosedException();
            LeakWarning.WriteIfAny(this, session);
            request = BuildRequest(session);
            if (_outPath is not null && !Directory.Exists(_outPath))
            {
                // One file cannot hold several bodies: refuse the overwrite rather than keep only the last.
                if (_outFileTakenBy is not null)
                    throw new ArgumentException($"-OutFile '{_outPath}' is one file, already the target of '{_outFileTakenBy}'. To save several URLs, give a folder as -OutFile.");
                _outFileTakenBy = Uri;
            }
        }
        catch (Exception ex) when (ex is ClientException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            WriteError(ClientErrorRecord.From(ex, Uri));
            return;
        }

        // Keep at most ThrottleLimit requests running; write what has finished meanwhile.
        while (_inFlight.Running >= ThrottleLimit)
        {
            _inFlight.WaitForAny(_stop.Token, ordered: !AsCompleted, _progressBar is null ? null : _progressBar.Update);
            Flush();
        }
        var task = StartRequest(session, request);
        if (_scriptBody is { } scriptBody)
        {
            // The ScriptBlock runs here, on the pipeline thread, while the request sends what it produces.
            var failure = scriptBody.Run(task, _stop.Token);
            _scriptBody = null;
            if (failure is not null) task = FailWith(task, failure);
        }
        _inFlight.Add(Uri, task);
        Flush();
    }

    // The request was aborted by its body's failure: that failure is the error to report.
    private static Task<ClientResponse> FailWith(Task<ClientResponse> request, Exception failure) =>
        request.ContinueWith<ClientResponse>(t =>
        {
            if (t.IsCompletedSuccessfully) t.Result.Close();
            else _ = t.Exception;
            throw failure;
        }, TaskScheduler.Default);

    protected override void EndProcessing()
    {
        while (_inFlight.Count > 0)
        {
            _inFlight.WaitForNext(_stop.Token, ordered: !AsCompleted, _progressBar is null ? null : _progressBar.Update);
            Flush();
        }
        _finished = true;
    }

    protected override void StopProcessing()
    {
        _stop.Cancel();
        _scriptBody?.Stop();
    }

    public void Dispose()
    {
        // Ctrl+C, Select-Object -First, or an error upstream: cancel what is in flight, free connections.
        // After a normal finish nothing is in flight, and -Stream responses must stay readable.
        if (!_finished) _stop.Cancel();
        _inFlight.DisposeAll();
        _stop.Dispose();
    }

    private Task<ClientResponse> StartRequest(ClientSession session, RequestOptions request)
    {
        if (_outPath is null && Stream)
        {
            // A -Stream response, once written, is the caller's: stopping this pipeline afterwards
            // (Select-Object -First, an error downstream) must not cancel its later reads, so its
            // request takes a token that _stop cancels only while the request is in flight.
            // The check is made when _stop fires, not by a continuation that unlinks the token later:
            // a response written just before the stop must not be cancelled by a continuation that
            // has not run yet.
            var own = new CancellationTokenSource();
            Task<ClientResponse>? streamed = null;
            var link = _stop.Token.Register(() =>
            {
                if (Volatile.Read(ref streamed) is not { IsCompleted: true }) own.Cancel();
            });
            streamed = Task.Run(() => session.RequestAsync(request, own.Token));
            _ = streamed.ContinueWith(_ => link.Dispose(), TaskScheduler.Default);
            return streamed;
        }
        if (_outPath is null) return Task.Run(() => session.RequestAsync(request, _stop.Token));
        var progress = new DownloadProgress();
        var path = _outPath;
        var download = Task.Run(() => session.DownloadAsync(request, path, Resume, progress, _stop.Token));
        _progressBar?.Track(Uri, download, progress);
        return download;
    }

    private void Flush()
    {
        _progressBar?.Update(); // closes the bars of downloads that have ended
        var finished = _inFlight.TakeFinished(ordered: !AsCompleted);
        var taken = 0;
        try
        {
            foreach (var (target, task) in finished)
            {
                taken++;
                if (task.IsCompletedSuccessfully)
                {
                    WriteCookieNotes(task.Result);
                    if (task.Result.SavedTo is { } saved) WriteVerbose($"Saved {target} to {saved}.");
                    if (_outPath is null || PassThru) WriteObject(task.Result);
                    continue;
                }
                var error = task.Exception?.GetBaseException() ?? (Exception)new OperationCanceledException();
                if (error is ClientResponseException { Response: { } failed }) WriteCookieNotes(failed);
                if (error is OperationCanceledException && _stop.IsCancellationRequested) throw new PipelineStoppedException();
                WriteError(ClientErrorRecord.From(error, target));
            }
        }
        catch
        {
            // The pipeline stopped while writing (Select-Object -First, Ctrl+C): the finished responses
            // not written yet belong to nobody, so free their connections now (-Stream ones would
            // otherwise hold them until a garbage collection).
            foreach (var (_, task) in finished.Skip(taken))
            {
                if (task.IsCompletedSuccessfully) task.Result.Close();
            }
            throw;
        }
    }

    // A malformed or refused Set-Cookie never fails the request; -Verbose says why it was ignored.
    private void WriteCookieNotes(ClientResponse response)
    {
        foreach (var hop in response.History.Append(response))
        {
            foreach (var reason in hop.RejectedCookies) WriteVerbose(reason);
        }
    }

    private RequestOptions BuildRequest(ClientSession session)
    {
        var request = new RequestOptions(Uri, Method)
        {
            Encoded = Encoded,
            Auth = RequestOptionsBinder.Auth(Credential),
            AllowRedirects = !NoRedirect,
            MaxRedirects = MaximumRedirection,
            PreserveAuthorizationOnRedirect = SwitchGiven(nameof(PreserveAuthorizationOnRedirect), PreserveAuthorizationOnRedirect),
            AllowInsecureRedirect = SwitchGiven(nameof(AllowInsecureRedirect), AllowInsecureRedirect),
            Timeout = RequestOptionsBinder.Seconds(Timeout),
            // -ConnectTimeout bounds both the wait for a pool slot and each connection attempt (aiohttp's connect and sock_connect).
            ConnectTimeout = RequestOptionsBinder.Seconds(ConnectTimeout),
            SocketConnectTimeout = RequestOptionsBinder.Seconds(ConnectTimeout),
            ReadTimeout = RequestOptionsBinder.Seconds(ReadTimeout),
            Stream = Stream,
            Compress = Compress switch
            {
                "gzip" => ContentCompression.Gzip,
                "deflate" => ContentCompression.Deflate,
                _ => ContentCompression.None,
            },
            Chunked = Chunked,
            ExpectContinue = Expect100,
            RaiseForStatus = SwitchGiven(nameof(SkipHttpErrorCheck), SkipHttpErrorCheck) is { } skipCheck ? !skipCheck : null,
            HttpVersion = HttpVersion switch { "2" => System.Net.HttpVersion.Version20, "1.1" => System.Net.HttpVersion.Version11, _ => null },
            SkipCertificateCheck = SwitchGiven(nameof(SkipCertificateCheck), SkipCertificateCheck),
            Fingerprint = Fingerprint,
            Proxy = Proxy,
            ProxyAuth = RequestOptionsBinder.Auth(ProxyCredential),
            MaximumResponseSize = MaximumResponseSize,
        };
        RequestOptionsBinder.Query(Query, request);
        foreach (var header in RequestOptionsBinder.Headers(Headers)) request.Headers.Add(header);
        foreach (var cookie in RequestOptionsBinder.Cookies(Cookies)) request.Cookies.Add(cookie);
        if (Session is null)
        {
            // The default session keeps no cookies between commands, but one command's redirect chain keeps its own.
            request.CookieJar = new CookieJar(unsafeCookies: true);
        }

        switch (ParameterSetName)
        {
            case BodySet when RequestOptionsBinder.Unwrap(Body) is ScriptBlock script:
                _scriptBody = new ScriptBlockBody(script, ContentType);
                request.Body = _scriptBody.Payload;
                break;
            case BodySet:
                request.Body = RequestOptionsBinder.Body(Body, ContentType);
                break;
            case FormSet:
                request.Body = RequestOptionsBinder.Form(Form).ToPayload();
                if (ContentType is not null) request.Body.ContentType = ContentType;
                break;
            case InFileSet:
                request.Body = new FilePayload(SessionState.Path.GetUnresolvedProviderPathFromPSPath(InFile), ContentType);
                break;
            case JsonSet:
                var json = session.Options.JsonSerializer is { } serializer
                    ? System.Text.Encoding.UTF8.GetBytes(serializer(Json))
                    : PowerShellJsonSerializer.SerializeToUtf8(Json);
                request.Body = new BytesPayload(json, ContentType ?? "application/json");
                break;
            default:
                if (ContentType is not null) request.Headers.Add(new("Content-Type", ContentType));
                break;
        }
        return request;
    }

    /// <summary>
    /// A switch that overrides a session setting: true or false when given (so -SkipCertificateCheck:$false
    /// really turns the session's setting off for this request), null when not given (the session decides).
    /// </summary>
    private bool? SwitchGiven(string name, SwitchParameter value) =>
        MyInvocation.BoundParameters.ContainsKey(name) ? value.IsPresent : null;

    /// <summary>Tab completion for -Method: the standard methods (any token is accepted).</summary>
    public sealed class HttpMethodCompleter : IArgumentCompleter
    {
        private static readonly string[] Methods = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE" };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Methods.Where(m => m.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
                .Select(m => new CompletionResult(m, m, CompletionResultType.ParameterValue, m));
    }
}

/// <summary>
/// The requests a pipeline has started and not yet written, in input order. Only the pipeline
/// thread touches it; the requests themselves run on the thread pool.
/// </summary>
internal sealed class InFlightRequests
{
    private readonly List<(string Target, Task<ClientResponse> Task)> _items = new();

    public int Count => _items.Count;

    public int Running => _items.Count(i => !i.Task.IsCompleted);

    public void Add(string target, Task<ClientResponse> task) => _items.Add((target, task));

    /// <summary>Blocks until one running request finishes (cancellable); <paramref name="tick"/>, when given, runs every slice meanwhile.</summary>
    public void WaitForAny(CancellationToken cancellationToken, bool ordered, Action? tick = null)
    {
        var running = _items.Where(i => !i.Task.IsCompleted).Select(i => (Task)i.Task).ToArray();
        if (running.Length == 0) return;
        Wait(() =>
        {
            while (Task.WaitAny(running, Slice(tick), cancellationToken) < 0) tick!();
        });
    }

    /// <summary>Blocks until the next request to write has finished: the oldest, or (as completed) any.</summary>
    public void WaitForNext(CancellationToken cancellationToken, bool ordered, Action? tick = null)
    {
        if (_items.Count == 0) return;
        if (ordered)
        {
            var next = _items[0].Task;
            Wait(() =>
            {
                while (!next.Wait(Slice(tick), cancellationToken)) tick!();
            });
        }
        else if (!_items.Any(i => i.Task.IsCompleted))
        {
            var all = _items.Select(i => (Task)i.Task).ToArray();
            Wait(() =>
            {
                while (Task.WaitAny(all, Slice(tick), cancellationToken) < 0) tick!();
            });
        }
    }

    // Waits are cut into short slices only when something (a progress bar) runs between them.
    private static int Slice(Action? tick) => tick is null ? Timeout.Infinite : 100;

    /// <summary>Removes and returns what can be written now, in the order it should be written.</summary>
    public List<(string Target, Task<ClientResponse> Task)> TakeFinished(bool ordered)
    {
        var finished = new List<(string, Task<ClientResponse>)>();
        if (ordered)
        {
            while (_items.Count > 0 && _items[0].Task.IsCompleted)
            {
                finished.Add(_items[0]);
                _items.RemoveAt(0);
            }
        }
        else
        {
            finished.AddRange(_items.Where(i => i.Task.IsCompleted));
            _items.RemoveAll(i => i.Task.IsCompleted);
        }
        return finished;
    }

    /// <summary>Closes responses nobody will see (the pipeline stopped early).</summary>
    public void DisposeAll()
    {
        foreach (var (_, task) in _items)
        {
            task.ContinueWith(static t =>
            {
                if (t.IsCompletedSuccessfully) t.Result.Close();
                else _ = t.Exception; // observed
            }, TaskScheduler.Default);
        }
        _items.Clear();
    }

    private static void Wait(Action wait)
    {
        try
        {
            wait();
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (AggregateException)
        {
            // A faulted request is reported when it is written; waiting just ends.
        }
    }
}
