package metrics

import "github.com/prometheus/client_golang/prometheus"

func newSSEStreamsOpen() prometheus.Gauge {
	return prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "sse_streams_open",
		Help: "Server-sent event streams open now on this instance.",
	})
}

func newSSEDropped() prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sse_subscribers_dropped_total",
		Help: "SSE subscribers disconnected because their bounded buffer overflowed (a slow client); the client reconnects and replays from the event log.",
	})
}

// SSEStreamsOpen returns the sse_streams_open gauge, for the SSE broker.
// On a nil *Metrics it returns nil (no counting).
func (m *Metrics) SSEStreamsOpen() prometheus.Gauge {
	if m == nil {
		return nil
	}
	return m.sseOpen
}

// SSEDropped returns the sse_subscribers_dropped_total counter, for the SSE
// broker. On a nil *Metrics it returns nil (no counting).
func (m *Metrics) SSEDropped() prometheus.Counter {
	if m == nil {
		return nil
	}
	return m.sseDropped
}
