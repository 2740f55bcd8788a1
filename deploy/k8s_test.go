package deploy_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v4"
)

func TestKubernetesExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "deploy/k8s/groundwork.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type probe struct {
		HTTPGet struct {
			Path string
		} `yaml:"httpGet"`
		TimeoutSeconds int `yaml:"timeoutSeconds"`
	}
	type object struct {
		Kind     string
		Metadata struct{ Name string }
		Data     map[string]string
		Spec     struct {
			Template struct {
				Spec struct {
					TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
					SecurityContext               struct {
						RunAsNonRoot bool `yaml:"runAsNonRoot"`
					} `yaml:"securityContext"`
					Containers []struct {
						Image          string
						Args           []string
						LivenessProbe  *probe `yaml:"livenessProbe"`
						ReadinessProbe *probe `yaml:"readinessProbe"`
						Lifecycle      struct {
							PreStop struct {
								Sleep struct{ Seconds int }
							} `yaml:"preStop"`
						}
					}
				}
			}
		}
	}
	var config map[string]string
	var deployments []object
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var o object
		if err := dec.Decode(&o); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		switch o.Kind {
		case "ConfigMap":
			config = o.Data
		case "Deployment":
			deployments = append(deployments, o)
		}
	}
	// The web Deployment and the worker's, one container each.
	if len(deployments) != 2 || len(deployments[0].Spec.Template.Spec.Containers) != 1 || len(deployments[1].Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("want two Deployments (web, worker) with one container each")
	}
	w := deployments[1].Spec.Template.Spec
	if wc := w.Containers[0]; !slices.Equal(wc.Args, []string{"worker"}) || wc.Image != deployments[0].Spec.Template.Spec.Containers[0].Image ||
		wc.ReadinessProbe == nil || wc.ReadinessProbe.HTTPGet.Path != "/ready" || wc.LivenessProbe == nil || wc.LivenessProbe.HTTPGet.Path != "/health" {
		t.Errorf("the worker Deployment must run `worker` in the app's image with /health and /ready probes")
	}
	if w.TerminationGracePeriodSeconds < 20 || !w.SecurityContext.RunAsNonRoot {
		t.Errorf("the worker pod: terminationGracePeriodSeconds %d (want ≥ 20, twice the soft stop), runAsNonRoot %v",
			w.TerminationGracePeriodSeconds, w.SecurityContext.RunAsNonRoot)
	}
	pod := deployments[0].Spec.Template.Spec
	c := pod.Containers[0]
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/health" {
		t.Errorf("the liveness probe must GET /health (never the database)")
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/ready" {
		t.Errorf("the readiness probe must GET /ready")
	}
	drain := duration(t, config["SHUTDOWN_DRAIN_DELAY"], 5*time.Second)
	timeout := duration(t, config["SHUTDOWN_TIMEOUT"], 15*time.Second)
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	if preStop != drain {
		t.Errorf("preStop sleep %v should match SHUTDOWN_DRAIN_DELAY %v", preStop, drain)
	}
	if grace := time.Duration(pod.TerminationGracePeriodSeconds) * time.Second; grace <= preStop+drain+timeout {
		t.Errorf("terminationGracePeriodSeconds %v must exceed preStop %v + drain %v + timeout %v", grace, preStop, drain, timeout)
	}
	if !pod.SecurityContext.RunAsNonRoot {
		t.Errorf("the pod should set runAsNonRoot")
	}
	if _, tag, _ := splitImage(c.Image); tag == "" || strings.Contains(tag, "latest") {
		t.Errorf("the Deployment's image %q is not pinned", c.Image)
	}
}
