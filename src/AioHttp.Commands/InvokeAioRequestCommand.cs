using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Security;

namespace AioHttp.Commands;

/// <summary>
/// Invoke-AioRequest: aiohttp's session.request(...) and reading the response. Pipeline inputs run
/// concurrently on the session's pool (up to -ThrottleLimit); results come out in input order
/// unless -AsCompleted. Only the pipeline thread writes to the pipeline; waiting is cancellable.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AioRequest", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(ClientResponse), typeof(ServerSentEvent))]
public sealed class InvokeAioRequestCommand : PSCmdlet, IDisposable
{
    internal const string DefaultSet = "Default";
    internal const string BodySet = "Body";
    internal const string JsonSet = "Json";
    internal const string FormSet = "Form";
    internal const string InFileSet = "InFile";

    private readonly CancellationTokenSource _stop = new();
    private readonly InFlightRequests _inFlight = new();
    private bool _finished;
    private ScriptBlockBody? _scriptBody;
    private OutFileTarget? _outFile;
    private TransferProgressBar? _progressBar;
    private bool? _showProgress;
    private FailureReporter _failures = null!;
    private RequestTraceWriter? _trace;
    // What Flush needs of each request in flight beyond its task: its method (for the error) and its -Verbose log.
    private readonly Dictionary<Task<ClientResponse>, (string Method, ConcurrentQueue<RequestTraceEvent>? Log)> _pending = new();
    // Retry notices arrive on the requests' threads; only the pipeline thread may write them.
    // Made only for a request that may be retried: most never are.
    private System.Collections.Concurrent.ConcurrentQueue<RetryNotice>? _retryNotices;
    private bool _mayRetry;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string Uri { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(HttpMethodCompleter))]
    [ValidateNotNullOrEmpty]
    public string Method { get; set; } = "GET";

    [Parameter]
    [Alias("WebSession")]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(VariableCompleter<ClientSession>))]
    public ClientSession? Session { get; set; }

    /// <summary>Invoke-WebRequest's -SessionVariable: a new session for this command, also stored in the named variable.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SessionVariable { get; set; }

    [Parameter]
    [Alias("Params")]
    public object? Query { get; set; }

    [Parameter]
    public SwitchParameter Encoded { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [HeaderLines]
    public IDictionary? Headers { get; set; }

    [Parameter]
    public IDictionary? Cookies { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateSet("Basic", "Bearer", "Digest")]
    public string? Authentication { get; set; }

    [Parameter]
    public SecureString? Token { get; set; }

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
    [ArgumentCompleter(typeof(ContentTypeCompleter))]
    public string? ContentType { get; set; }

    /// <summary>Invoke-WebRequest's -UserAgent: the User-Agent header for this request.</summary>
    [Parameter]
    [ValidateNotNull]
    public string? UserAgent { get; set; }

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
    [ValidateRange(0.0, SecondsRange.Max)]
    public double? Timeout { get; set; }

    [Parameter]
    [Alias("TimeoutSec", "ConnectionTimeoutSeconds")]
    [ValidateRange(0.0, SecondsRange.Max)]
    public double? ConnectTimeout { get; set; }

    [Parameter]
    [ValidateRange(0.0, SecondsRange.Max)]
    public double? ReadTimeout { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    [Parameter]
    public SwitchParameter SkipHttpErrorCheck { get; set; }

    [Parameter]
    [ValidateSet("1.0", "1.1", "2", "2.0")]
    public string? HttpVersion { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Fingerprint { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(SslProtocolCompleter))]
    public string[]? SslProtocol { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? ServerName { get; set; }

    [Parameter]
    public SwitchParameter Stream { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    /// <summary>Server-Sent Events: one AioHttp.ServerSentEvent per event, written as it arrives.</summary>
    [Parameter]
    public SwitchParameter AsEventStream { get; set; }

    /// <summary>JSON lines (NDJSON): one object per line, shaped as ConvertFrom-Json shapes it, written as it arrives.</summary>
    [Parameter]
    public SwitchParameter AsJsonLines { get; set; }

    /// <summary>aiohttp's auto_decompress=False for this request: the body as it came; -NoDecompress:$false decodes in a -NoDecompress session.</summary>
    [Parameter]
    public SwitchParameter NoDecompress { get; set; }

    /// <summary>The body is written record by record (-AsEventStream or -AsJsonLines).</summary>
    internal bool AsRecords => AsEventStream || AsJsonLines;

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

    /// <summary>How many times to try again after a retryable failure; unset: the session's (0 by default).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? MaximumRetryCount { get; set; }

    /// <summary>Seconds before the first retry (doubled per retry, ±20 %, at most 60); unset: the session's.</summary>
    [Parameter]
    [ValidateRange(0.0, SecondsRange.Max)]
    public double? RetryIntervalSec { get; set; }

    /// <summary>The statuses retried; unset: the session's (408, 429, 500, 502, 503, 504 by default).</summary>
    [Parameter]
    [ValidateNotNull]
    [ValidateRange(400, 599)]
    public int[]? RetryOn { get; set; }

    /// <summary>Retry POST and PATCH too (they may have acted on the server already).</summary>
    [Parameter]
    public SwitchParameter RetryNonIdempotent { get; set; }

    /// <summary>Invoke-RestMethod's -FollowRelLink: after each response, request its Link rel="next" page.</summary>
    [Parameter]
    public SwitchParameter FollowRelLink { get; set; }

    /// <summary>With -FollowRelLink, the most pages in all (2 gives two pages); unset: until there is no next link.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaximumFollowRelLink { get; set; }

    [Parameter]
    public SwitchParameter AsCompleted { get; set; }

    /// <summary>Invoke-WebRequest's -StatusCodeVariable: the status code of the last response, also when it failed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StatusCodeVariable { get; set; }

    /// <summary>Invoke-WebRequest's -ResponseHeadersVariable: the headers of the last response, also when it failed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("RHV")]
    public string? ResponseHeadersVariable { get; set; }

    protected override void BeginProcessing()
    {
        _inFlight.Ordered = !AsCompleted;
        _failures = new FailureReporter(this);
        _trace = RequestTraceWriter.For(this);
        if (SessionVariable is not null)
        {
            if (Session is not null) ThrowArgumentError("SessionVariableWithSession", "-SessionVariable creates a new session and -Session gives one: use one of them. To reuse the session from an earlier -SessionVariable s, pass -Session $s.");
            Session = DefaultSession.CreateForVariable();
            SessionState.PSVariable.Set(SessionVariable, Session);
        }
        if (AsRecords)
        {
            var switchName = AsEventStream ? "-AsEventStream" : "-AsJsonLines";
            if (AsEventStream && AsJsonLines) ThrowArgumentError("AsEventStreamWithAsJsonLines", "-AsEventStream and -AsJsonLines read the body in two different ways: use one of them.");
            if (Stream) ThrowArgumentError("RecordsWithStream", $"{switchName} reads the body for you and -Stream leaves it unread: use one of them.");
            if (OutFile is not null) ThrowArgumentError("RecordsWithOutFile", $"{switchName} writes the body's records to the pipeline and -OutFile saves the body to a file: use one of them.");
            if (FollowRelLink) ThrowArgumentError("RecordsWithFollowRelLink", $"{switchName} and -FollowRelLink cannot be used together: a stream of records has no next page. Drop -FollowRelLink.");
        }
        if (OutFile is null)
        {
            if (PassThru) ThrowArgumentError("PassThruWithoutOutFile", "-PassThru only applies with -OutFile (the response is written anyway without it). Add -OutFile <path>, or drop -PassThru.");
            if (Resume) ThrowArgumentError("ResumeWithoutOutFile", "-Resume continues a partial file and needs -OutFile <path> naming it. Add -OutFile, or drop -Resume.");
            return;
        }
        if (FollowRelLink) ThrowArgumentError("OutFileWithFollowRelLink", "-OutFile and -FollowRelLink cannot be used together: every page would go to the same file. Drop -OutFile and save the pages' bodies yourself.");
        if (Stream) ThrowArgumentError("OutFileWithStream", "-OutFile and -Stream cannot be used together: -OutFile reads the body into the file, -Stream leaves it unread for you. Use one of them.");
        _outFile = OutFileTarget.Resolve(this, OutFile, Resume);
        if (ShowProgress) _progressBar = new TransferProgressBar(this);
    }

    // -ProgressAction, else $ProgressPreference, read once and only when there is something to show (a
    // download, a file or stream body). When it is off, nothing is counted either.
    private bool ShowProgress => _showProgress ??=
        (MyInvocation.BoundParameters.TryGetValue("ProgressAction", out var action) ? action : GetVariableValue("ProgressPreference"))
            is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore or "SilentlyContinue" or "Ignore");

    // The session's settings, copied once per session rather than per input record (Options makes a copy).
    internal ClientSessionOptions SettingsFor(ClientSession session)
    {
        if (!ReferenceEquals(_settingsOf, session)) (_settingsOf, _settings) = (session, session.Options);
        return _settings!;
    }

    private ClientSession? _settingsOf;
    private ClientSessionOptions? _settings;

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
            (request, _scriptBody) = RequestBuilder.Build(this, session);
            if ((request.MaximumRetryCount ?? SettingsFor(session).MaximumRetryCount) > 0)
            {
                _mayRetry = true;
                request.OnRetry = (_retryNotices ??= new()).Enqueue;
            }
            _outFile?.Claim(Uri);
        }
        catch (Exception ex) when (ex is ClientException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            _failures.Report(ClientErrorRecord.ForRequest(ex, Method, Uri));
            return;
        }
        var log = _trace is null ? null : RequestTraceWriter.Attach(request);

        // Keep at most ThrottleLimit requests running; write what has finished meanwhile.
        while (_inFlight.Running >= ThrottleLimit)
        {
            _inFlight.WaitForRunningBelow(ThrottleLimit, _stop.Token, Tick);
            Flush();
        }
        if (FollowRelLink)
        {
            FollowPages(session, request, log);
            return;
        }
        Launch(session, request, Uri, Method, log);
        Flush();
    }

    // Starts a request and queues it to be written. A ScriptBlock body runs here, on the pipeline
    // thread, while the request sends what it produces.
    private Task<ClientResponse> Launch(ClientSession session, RequestOptions request, string target, string method,
        System.Collections.Concurrent.ConcurrentQueue<RequestTraceEvent>? log)
    {
        var task = StartRequest(session, request);
        if (_scriptBody is { } scriptBody)
        {
            var failure = scriptBody.Run(task, _stop.Token);
            _scriptBody = null;
            if (failure is not null) task = InFlightRequests.FailedBy(task, failure);
        }
        _inFlight.Add(target, task);
        _pending[task] = (method, log);
        return task;
    }

    protected override void EndProcessing()
    {
        while (_inFlight.Count > 0)
        {
            _inFlight.WaitForNext(Tick, _stop.Token);
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
        if (!_finished)
        {
            _stop.Cancel();
            _progressBar?.CompleteAll();
        }
        _inFlight.DisposeAll();
        _pending.Clear();
        _stop.Dispose();
    }

    // Runs every slice of a wait: transfer bars, and retry notices as they happen rather than at the end.
    private Action? Tick => _progressBar is null && !_mayRetry ? null : OnTick;

    private void OnTick()
    {
        _progressBar?.Update();
        WriteRetryNotices();
    }

    private void WriteRetryNotices()
    {
        if (_retryNotices is null) return;
        while (_retryNotices.TryDequeue(out var notice)) WriteVerbose(notice.ToString());
    }

    /// <summary>
    /// -FollowRelLink: the request, then its rel="next" page, and so on, each page written before the
    /// next is asked for, so a stopped pipeline (Select-Object -First) asks for no more. Earlier inputs
    /// come out first. A page already fetched (a loop), -MaximumFollowRelLink pages in all, a failure
    /// or a page without a next link ends it.
    /// </summary>
    private void FollowPages(ClientSession session, RequestOptions request, System.Collections.Concurrent.ConcurrentQueue<RequestTraceEvent>? log)
    {
        DrainInFlight();
        var fetched = new HashSet<string>(StringComparer.Ordinal) { session.BuildUrl(request).ToString() };
        for (var pages = 1; ; pages++)
        {
            var task = Launch(session, request, request.Url, request.Method, log);
            DrainInFlight();
            if (!task.IsCompletedSuccessfully || pages >= (MaximumFollowRelLink ?? int.MaxValue)) return;
            var page = task.Result;
            fetched.Add(page.Url.ToString());
            if (!page.Links.TryGetValue("next", out var next)) return;
            if (!fetched.Add(next.Url.ToString()))
            {
                WriteVerbose($"Not following rel=\"next\" to {next.Url}: that page was already fetched.");
                return;
            }
            try
            {
                request = request.ForLink(session, page, next.Url);
            }
            catch (ClientException ex)
            {
                _failures.Report(ClientErrorRecord.ForRequest(ex, request.Method, next.Url.ToString()));
                return;
            }
            log = _trace is null ? null : RequestTraceWriter.Attach(request);
        }
    }

    private void DrainInFlight()
    {
        while (_inFlight.Count > 0)
        {
            _inFlight.WaitForNext(Tick, _stop.Token);
            Flush();
        }
    }

    private Task<ClientResponse> StartRequest(ClientSession session, RequestOptions request)
    {
        // A file or stream body gets a bar of its own, counted as the connection takes its bytes.
        if (request.Body is not { IsStreamed: true } || !ShowProgress) return StartTransfer(session, request);
        var upload = request.UploadProgress = new TransferProgress();
        var task = StartTransfer(session, request);
        (_progressBar ??= new TransferProgressBar(this)).Track("Uploading to", request.Url, task, upload);
        return task;
    }

    private Task<ClientResponse> StartTransfer(ClientSession session, RequestOptions request)
    {
        // One request and no pipeline input (a call in a foreach loop): nothing else is bound meanwhile,
        // so it starts on this thread and saves the hop to the thread pool; the rest stays async.
        if (_outFile is null && !Stream && _scriptBody is null && !MyInvocation.ExpectingInput) return StartHere(session, request);
        // A -Stream response, once written, is the caller's to read: stopping the pipeline later must not cancel it.
        if (_outFile is null) return InFlightRequests.Start(token => session.RequestAsync(request, token), keepOnceArrived: Stream, _stop.Token);
        var progress = new DownloadProgress();
        var path = _outFile.Path;
        var download = InFlightRequests.Start(token => session.DownloadAsync(request, path, Resume, progress, token), keepOnceArrived: false, _stop.Token);
        _progressBar?.Track("Downloading", Uri, download, progress);
        return download;
    }

    private Task<ClientResponse> StartHere(ClientSession session, RequestOptions request)
    {
        // The engine's continuations must not queue to a host's SynchronizationContext: this thread
        // blocks waiting for them.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return session.RequestAsync(request, _stop.Token);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private void Flush()
    {
        _progressBar?.Update(); // closes the bars of transfers that have ended
        WriteRetryNotices();
        var finished = _inFlight.TakeFinished();
        var taken = 0;
        try
        {
            foreach (var (target, task) in finished)
            {
                taken++;
                _pending.Remove(task, out var pending);
                if (pending.Log is { } log) _trace!.Write(log);
                if (task.IsCompletedSuccessfully)
                {
                    WriteCookieNotes(task.Result);
                    SetResponseVariables(task.Result.Status, task.Result.Headers);
                    if (task.Result.SavedTo is { } saved) WriteVerbose($"Saved {target} to {saved}.");
                    if (AsRecords) ResponseRecords.Write(this, task.Result, _failures, pending.Method ?? Method, target, _stop.Token);
                    else if (_outFile is null || PassThru) WriteObject(task.Result);
                    continue;
                }
                var error = task.Exception?.GetBaseException() ?? (Exception)new OperationCanceledException();
                if (error is ClientResponseException { Response: { } failed }) WriteCookieNotes(failed);
                if (error is ClientResponseException { Status: > 0 } statusError) SetResponseVariables(statusError.Status, statusError.Headers);
                if (error is OperationCanceledException && _stop.IsCancellationRequested) throw new PipelineStoppedException();
                _failures.Report(ClientErrorRecord.ForRequest(error, pending.Method ?? Method, target));
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

    // -StatusCodeVariable / -ResponseHeadersVariable, set in the caller's scope as Invoke-WebRequest does
    // (for a pipeline of several requests they hold the last response's).
    private void SetResponseVariables(int status, HeaderCollection? headers)
    {
        if (StatusCodeVariable is not null) SessionState.PSVariable.Set(StatusCodeVariable, status);
        if (ResponseHeadersVariable is not null) SessionState.PSVariable.Set(ResponseHeadersVariable, headers);
    }

    // A malformed or refused Set-Cookie never fails the request; -Verbose says why it was ignored.
    private void WriteCookieNotes(ClientResponse response)
    {
        foreach (var hop in response.History.Append(response))
        {
            foreach (var reason in hop.RejectedCookies) WriteVerbose(reason);
        }
    }

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
