package logging_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/logging"
)

func TestNew(t *testing.T) {
	var buf bytes.Buffer
	log, err := logging.New(&buf, "warn", "json")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hidden")
	log.Warn("shown", "k", "v")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), `"msg":"shown","k":"v"`) {
		t.Errorf("json warn logger wrote %q", buf.String())
	}

	buf.Reset()
	log, err = logging.New(&buf, "debug", "text")
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hello")
	if !strings.Contains(buf.String(), "level=DEBUG msg=hello") {
		t.Errorf("text logger wrote %q", buf.String())
	}

	if _, err := logging.New(&buf, "loud", "json"); err == nil {
		t.Error("level loud accepted")
	}
	if _, err := logging.New(&buf, "info", "xml"); err == nil {
		t.Error("format xml accepted")
	}
}

func TestContext(t *testing.T) {
	var buf bytes.Buffer
	log, _ := logging.New(&buf, "info", "json")
	ctx := logging.WithLogger(context.Background(), log.With("request_id", "r1"))
	logging.FromContext(ctx).Info("in request")
	if !strings.Contains(buf.String(), `"request_id":"r1"`) {
		t.Errorf("logger from context lost its attributes: %q", buf.String())
	}
	// Without a logger the result is usable and silent.
	logging.FromContext(context.Background()).Error("dropped")
}
