package metrics

// Metrics for parts of the template that are not built yet. Each is a
// planned hook, not code: add it here, on m.reg, when its part lands, and
// list it in README "Operating it". (The SSE metrics landed in sse.go.)
