package deploy_test

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	yaml "go.yaml.in/yaml/v4"

	"github.com/groundwork-dev/groundwork/internal/app"
)

// TestComposeAdminListener: the development stack publishes the admin
// listener on the host's loopback; production keeps it on the container's
// loopback and publishes nothing (TestComposeProduction checks the ports).
func TestComposeAdminListener(t *testing.T) {
	dev := service(t, loadCompose(t, composeFile), "app")
	_, port, err := net.SplitHostPort(env(dev, "ADMIN_ADDR"))
	if err != nil {
		t.Fatalf("development ADMIN_ADDR %q: %v", env(dev, "ADMIN_ADDR"), err)
	}
	if !slices.ContainsFunc(dev.Ports, func(pc types.ServicePortConfig) bool {
		return pc.HostIP == "127.0.0.1" && pc.Target == parsePort(t, port)
	}) {
		t.Errorf("development app does not publish the admin port %s on 127.0.0.1: %+v", port, dev.Ports)
	}

	prod := service(t, loadCompose(t, composeFile, prodFile), "app")
	if host, _, _ := net.SplitHostPort(env(prod, "ADMIN_ADDR")); host != "127.0.0.1" {
		t.Errorf("production ADMIN_ADDR = %q, want the container's loopback", env(prod, "ADMIN_ADDR"))
	}
}

func parsePort(t *testing.T, s string) uint32 {
	t.Helper()
	p, err := net.LookupPort("tcp", s)
	if err != nil {
		t.Fatal(err)
	}
	return uint32(p)
}

// k8sObject is the part of a Kubernetes object this test reads.
type k8sObject struct {
	Kind     string
	Metadata struct{ Name string }
	Data     map[string]string
	Spec     struct {
		Template struct {
			Metadata struct{ Annotations map[string]string }
			Spec     struct {
				Containers []struct {
					Ports []struct {
						Name          string
						ContainerPort int `yaml:"containerPort"`
					}
					Env []struct {
						Name      string
						Value     string
						ValueFrom *struct {
							FieldRef struct {
								FieldPath string `yaml:"fieldPath"`
							} `yaml:"fieldRef"`
						} `yaml:"valueFrom"`
					}
				}
			}
		}
		Ports []struct {
			TargetPort string `yaml:"targetPort"`
		} // Service
		Ingress []struct { // NetworkPolicy
			From  []map[string]any
			Ports []struct{ Port string }
		}
	}
}

// TestKubernetesScrapesAdminPort: Prometheus scrapes /metrics on the admin
// port of the pod IP; the app accepts that address in production; the
// Service does not expose the port, and the NetworkPolicy lets only a
// namespace selector reach it.
func TestKubernetesScrapesAdminPort(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "deploy/k8s/groundwork.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string]k8sObject{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var o k8sObject
		if err := dec.Decode(&o); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		objects[o.Kind] = o
	}
	dep := objects["Deployment"]
	c := dep.Spec.Template.Spec.Containers[0]
	var adminPort int
	for _, p := range c.Ports {
		if p.Name == "admin" {
			adminPort = p.ContainerPort
		}
	}
	ann := dep.Spec.Template.Metadata.Annotations
	if adminPort == 0 || ann["prometheus.io/scrape"] != "true" || ann["prometheus.io/port"] != strconv.Itoa(adminPort) ||
		ann["prometheus.io/path"] != "/metrics" {
		t.Errorf("admin port %d, scrape annotations %v: want /metrics scraped on the admin port", adminPort, ann)
	}

	// ADMIN_ADDR is $(POD_IP):port, POD_IP from the downward API and defined first.
	var adminAddr string
	podIPDefined := false
	for _, e := range c.Env {
		switch e.Name {
		case "POD_IP":
			podIPDefined = e.ValueFrom != nil && e.ValueFrom.FieldRef.FieldPath == "status.podIP"
		case "ADMIN_ADDR":
			if !podIPDefined {
				t.Error("ADMIN_ADDR refers to POD_IP before it is defined (Kubernetes expands only earlier variables)")
			}
			adminAddr = e.Value
		}
	}
	if adminAddr != "$(POD_IP):"+strconv.Itoa(adminPort) {
		t.Errorf("ADMIN_ADDR = %q, want $(POD_IP):%d", adminAddr, adminPort)
	}
	environ := []string{"ADMIN_ADDR=" + strings.ReplaceAll(adminAddr, "$(POD_IP)", "10.244.3.17"),
		"DATABASE_URL=postgres://db/app", "SECRET_KEY=0123456789abcdef0123456789abcdef-dummy",
		"SMTP_URL=smtp://user:pass@mail.example.test:587", "S3_ACCESS_KEY=dummy", "S3_SECRET_KEY=dummy"}
	for k, v := range objects["ConfigMap"].Data {
		if !strings.HasSuffix(k, "_FILE") {
			environ = append(environ, k+"="+v)
		}
	}
	if _, err := app.LoadConfig(environ); err != nil {
		t.Errorf("the app refuses the Deployment's configuration with a pod IP:\n%v", err)
	}

	for _, p := range objects["Service"].Spec.Ports {
		if p.TargetPort == "admin" || p.TargetPort == strconv.Itoa(adminPort) {
			t.Error("the Service exposes the admin port")
		}
	}
	restricted := false
	for _, rule := range objects["NetworkPolicy"].Spec.Ingress {
		for _, p := range rule.Ports {
			if p.Port == "admin" {
				restricted = len(rule.From) > 0
			}
		}
	}
	if !restricted {
		t.Error("no NetworkPolicy rule limits who reaches the admin port")
	}
}
