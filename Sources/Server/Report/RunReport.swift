/// `coreward report`: the histories of runs (from a stats log or from `GET /v1/runs/{run}`) rendered as one
/// self-contained HTML page, a chart per signal with the verdict changes marked. The format it reads is the
/// run-history format of docs/collapse-watch.md; nothing here talks to the network or the clock.
public enum RunReport {}
