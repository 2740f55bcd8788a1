package metrics

// Metrics for parts of the template that are not built yet. Each is a
// planned hook, not code: add it here, on m.reg, when its part lands, and
// list it in README "Operating it".
//
// TODO(sse): when internal/platform/sse exists, add
//   - sse_streams_open: a gauge, +1 when a stream starts, -1 when it ends;
//   - sse_subscribers_dropped_total: a counter, +1 each time a slow
//     subscriber's bounded buffer overflows and it is disconnected;
//
// handed to the broker's constructor, like ThrottleHits is to the account
// service.
