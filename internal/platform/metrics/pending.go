package metrics

// Metrics for parts of the template that are not built yet. Each is a
// planned hook, not code: add it here, on m.reg, when its part lands, and
// list it in README "Operating it".
//
// TODO(jobs): when internal/platform/jobs (River) and the `worker` command
// exist, add
//   - jobs_total{kind,outcome}: a counter incremented from River's event
//     subscription (EventKindJobCompleted, JobFailed, JobCancelled,
//     JobSnoozed; outcome "completed", "failed", "discarded", "cancelled");
//   - jobs_queue_depth{queue,state}: a collector like poolCollector that
//     counts river_job rows by queue and state at scrape time (bounded:
//     queues and states are fixed sets);
//
// and have the worker serve the same admin handler on WORKER_ADMIN_ADDR
// (default 127.0.0.1:9091), started and stopped like serve's (see
// serveAdmin in internal/app/admin.go).
//
// TODO(sse): when internal/platform/sse exists, add
//   - sse_streams_open: a gauge, +1 when a stream starts, -1 when it ends;
//   - sse_subscribers_dropped_total: a counter, +1 each time a slow
//     subscriber's bounded buffer overflows and it is disconnected;
//
// handed to the broker's constructor, like ThrottleHits is to the account
// service.
