import Core
import Prometheus

/// The service's Prometheus metrics (swift-prometheus); the only file that sees the registry.
public final class ServiceMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let groups: Counter
    private let rollouts: Counter
    private let rewardSum: Counter
    private let emptyAnswers: Counter
    private let groupsAgreeing: Counter
    private let labelledViews: Counter
    private let correctLabels: Counter
    private let batchMeanReward: Gauge
    private let batchLabelAccuracy: Gauge
    private let assemblyWaiting: Gauge
    private let assemblyBytes: Gauge
    private let assemblyOpenGroups: Gauge
    private let assemblyRetries: Counter

    /// Request latency buckets, 0.5 ms to 30 s.
    private static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    public init() {
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "coreward", metricName: metric, unitName: unit, helpText: help)
        }
        inFlight = registry.makeGauge(descriptor: name("http_requests_in_flight", "", "Requests being handled."))
        groups = registry.makeCounter(descriptor: name("groups_scored", "total", "Groups scored by /v1/reward."))
        rollouts = registry.makeCounter(descriptor: name("rollouts_scored", "total", "Rollouts scored by /v1/reward."))
        rewardSum = registry.makeCounter(descriptor: name("reward_sum", "total",
                                                          "Sum of all rewards given; divide by rollouts_scored for the mean."))
        emptyAnswers = registry.makeCounter(descriptor: name("empty_answers", "total",
                                                             "Rollouts scored without a (non-blank) answer."))
        groupsAgreeing = registry.makeCounter(descriptor: name("groups_views_agree", "total",
                                                               "Groups whose views' own majority answers agree."))
        labelledViews = registry.makeCounter(descriptor: name("labelled_views", "total",
                                                              "Views scored whose group carried a label."))
        correctLabels = registry.makeCounter(descriptor: name("pseudo_labels_correct", "total",
                                                              "Pseudo-labels equivalent to the given label."))
        batchMeanReward = registry.makeGauge(descriptor: name("last_batch_mean_reward", "",
                                                              "Mean reward of the last /v1/reward batch."))
        batchLabelAccuracy = registry.makeGauge(descriptor: name("last_batch_label_accuracy", "",
                                                                 "Label accuracy of the last /v1/reward batch that carried labels."))
        assemblyWaiting = registry.makeGauge(descriptor: name("assembly_waiting_requests", "",
                                                              "/get_reward requests parked until their group is complete."))
        assemblyBytes = registry.makeGauge(descriptor: name("assembly_buffer_bytes", "",
                                                            "Response bytes held by the group-assembly buffer (waiting and kept for retries)."))
        assemblyOpenGroups = registry.makeGauge(descriptor: name("assembly_open_groups", "",
                                                                 "Groups being assembled from per-sample /get_reward requests."))
        assemblyRetries = registry.makeCounter(descriptor: name("assembly_retries", "total",
                                                                "/get_reward samples recognised as retries of a waiting sample."))
        // Labelled series exist from the start, at 0, so that dashboards and alerts see them before the first event.
        for outcome in ["complete", "timeout", "shutdown"] { assemblyGroups(outcome: outcome) }
        for reason in ["waiting", "bytes"] { assemblyRejections(reason: reason) }
    }

    /// A request started being handled.
    func requestStarted() { inFlight.increment() }

    /// A request was answered.
    func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        inFlight.decrement()
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "http_requests", unitName: "total",
                                             helpText: "HTTP requests by route, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "http_request_duration", unitName: "seconds",
                                             helpText: "Time spent handling a request, by route."),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// A `/v1/reward` batch was scored.
    func recordBatch(_ stats: BatchStats) {
        groups.increment(by: Int64(stats.groups))
        rollouts.increment(by: Int64(stats.rollouts))
        rewardSum.increment(by: stats.rewardSum)
        emptyAnswers.increment(by: Int64(stats.emptyAnswers))
        groupsAgreeing.increment(by: Int64(stats.groupsAgreeing))
        labelledViews.increment(by: Int64(stats.labelledViews))
        correctLabels.increment(by: Int64(stats.correctLabels))
        if stats.rollouts > 0 { batchMeanReward.set(stats.meanReward) }
        if let accuracy = stats.labelAccuracy { batchLabelAccuracy.set(accuracy) }
    }

    /// The signals behind a run's verdict, as `coreward_run_signal{run, signal}`.
    static let runSignals: [(String, @Sendable (RunStep) -> Double?)] = [
        ("answer_concentration", { $0.answerConcentration }), ("top_answer_share", { $0.topAnswerShare }),
        ("answer_classes_per_group", { $0.answerClassesPerGroup }), ("consensus", { $0.consensus }),
        ("empty_rate", { $0.emptyRate }), ("mean_response_bytes", { $0.meanResponseBytes }),
        ("p10_response_bytes", { Double($0.p10ResponseBytes) }), ("mean_reward", { $0.meanReward }),
        ("views_agree_rate", { $0.viewsAgreeRate }), ("label_accuracy", { $0.labelAccuracy }),
    ]

    /// A step of a followed run: its signals, its verdict (1 for the current state, 0 for the others) and a count.
    func recordRunStep(run: String, step: RunStep, verdict: CollapseVerdict.State) {
        for (signal, value) in Self.runSignals {
            guard let value = value(step) else { continue }
            runSignal(run: run, signal: signal).set(to: value)
        }
        for state in CollapseVerdict.State.allCases {
            runVerdict(run: run, state: state).set(to: state == verdict ? 1.0 : 0.0)
        }
        runSteps(run: run).increment()
    }

    /// Removes an evicted run's series, so that their number stays bounded by --max-runs.
    func forgetRun(_ run: String) {
        for (signal, _) in Self.runSignals { registry.unregisterGauge(runSignal(run: run, signal: signal)) }
        for state in CollapseVerdict.State.allCases { registry.unregisterGauge(runVerdict(run: run, state: state)) }
        registry.unregisterCounter(runSteps(run: run))
    }

    private func runSignal(run: String, signal: String) -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "run_signal", unitName: "",
                                             helpText: "A followed run's collapse signals at its last step."),
            labels: [("run", run), ("signal", signal)])
    }

    private func runVerdict(run: String, state: CollapseVerdict.State) -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "run_verdict", unitName: "",
                                             helpText: "A followed run's verdict: 1 for its current state."),
            labels: [("run", run), ("state", state.rawValue)])
    }

    private func runSteps(run: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "run_steps", unitName: "total",
                                             helpText: "Steps recorded for a followed run."),
            labels: [("run", run)])
    }

    /// The group-assembly buffer's size now.
    func assemblyState(waiting: Int, bytes: Int, openGroups: Int) {
        assemblyWaiting.set(to: Double(waiting))
        assemblyBytes.set(to: Double(bytes))
        assemblyOpenGroups.set(to: Double(openGroups))
    }

    /// A group was scored: complete, at its timeout, or at shutdown; `wait` is from its first sample.
    func assemblyGroupDone(outcome: String, wait: Duration) {
        assemblyGroups(outcome: outcome).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "assembly_wait", unitName: "seconds",
                                             helpText: "Time from a group's first sample to its answer."),
            buckets: Self.assemblyBuckets
        ).record(wait)
    }

    /// A sample was recognised as the retry of one already waiting.
    func assemblyRetry() { assemblyRetries.increment() }

    /// A /get_reward request was refused because the buffer was full (`waiting` requests or `bytes`).
    func assemblyRejected(reason: String) {
        assemblyRejections(reason: reason).increment()
    }

    @discardableResult
    private func assemblyGroups(outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "assembly_groups", unitName: "total",
                                             helpText: "Groups scored by /get_reward's assembly buffer, by outcome."),
            labels: [("outcome", outcome)])
    }

    @discardableResult
    private func assemblyRejections(reason: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "assembly_rejected", unitName: "total",
                                             helpText: "/get_reward requests refused with 503 because the assembly buffer was full."),
            labels: [("reason", reason)])
    }

    /// Assembly wait buckets, 1 ms to 10 minutes.
    private static let assemblyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(10), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
    ]

    /// One call of the encoder (a batch of texts) took this long.
    func encoderCall(duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "coreward", metricName: "encoder_call_duration", unitName: "seconds",
                                             helpText: "Time the sentence encoder took per /v1/embed or /v1/similarity call."),
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// The Prometheus text exposition of every metric.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
