package policy_test

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/platform"
	"github.com/torale-ai/torale/terraform/policy"
)

// registered is every function the server serves, read from the platform, not written here.
func registered() []string {
	var out []string
	for _, f := range platform.AllFunctions() {
		out = append(out, string(f))
	}
	return out
}

// own is the binaries of their own some functions have in the image, read from the platform.
func own() map[string]string {
	out := map[string]string{}
	for f, path := range platform.OwnBinaries() {
		out[string(f)] = path
	}
	return out
}

// tree is an in-memory copy of terraform/ and deploy/k8s, to break one file of.
type tree struct {
	tf, k8s fstest.MapFS
}

func load(t *testing.T) tree {
	t.Helper()
	return tree{tf: copyFS(t, "..", ".tf"), k8s: copyFS(t, "../../deploy/k8s", ".yaml")}
}

func copyFS(t *testing.T, dir, ext string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ext) {
			return err
		}
		b, err := fs.ReadFile(os.DirFS(dir), p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	}))
	return out
}

// edit replaces old, which must occur exactly once in file, with new.
func edit(t *testing.T, fsys fstest.MapFS, file, old, new string) {
	t.Helper()
	f, ok := fsys[file]
	require.True(t, ok, "no file %s", file)
	require.Equal(t, 1, strings.Count(string(f.Data), old), "%s must hold %q once", file, old)
	f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
}

func (tr tree) check(t *testing.T) error {
	t.Helper()
	tf, err := policy.LoadTerraform(tr.tf)
	require.NoError(t, err)
	m, err := policy.LoadManifests(tr.k8s)
	require.NoError(t, err)
	return policy.Check(tf, m, registered(), own())
}

func TestTheDeploymentKeepsEveryRule(t *testing.T) {
	require.NoError(t, load(t).check(t))
}

// Each case breaks one rule in a copy and names what the check must then say.
func TestEachBrokenRuleIsCaught(t *testing.T) {
	cases := []struct {
		name           string
		tf             bool // the edit is to the Terraform (else the manifests)
		file, old, new string
		want           string
	}{
		{"a service borrows another's account", true, "services.tf",
			`service_account = google_service_account.workload["notify"].email`,
			`service_account = google_service_account.workload["api"].email`,
			`share the "api" account`},
		{"a service runs as a shared account", true, "services.tf",
			`service_account = google_service_account.workload["tick"].email`,
			`service_account = google_service_account.deployer.email`,
			`module.tick: service_account is "google_service_account.deployer.email"`},
		{"the worker's Kubernetes account loses Workload Identity", false, "serviceaccount.yaml",
			"    iam.gke.io/gcp-service-account: ${WORKER_SA}\n", "    team: torale\n",
			"has no iam.gke.io/gcp-service-account annotation"},
		{"the deployer becomes editor", true, "iam.tf",
			`"roles/run.developer",`, `"roles/run.developer", "roles/editor",`,
			"grants roles/editor"},
		{"an account gets an admin role", true, "modules/scheduler/main.tf",
			`role   = "roles/pubsub.publisher"`, `role   = "roles/pubsub.admin"`,
			"grants roles/pubsub.admin"},
		{"a push subscription loses its OIDC token", true, "modules/pubsub/main.tf",
			"    oidc_token {\n      service_account_email = each.value.service_account\n      audience              = each.value.audience\n    }\n", "",
			"google_pubsub_subscription.push: push without an OIDC token"},
		{"a push subscription loses its dead-letter policy", true, "modules/pubsub/main.tf",
			"  dead_letter_policy {\n    dead_letter_topic     = google_pubsub_topic.dead_letter[each.key].id\n    max_delivery_attempts = var.max_delivery_attempts\n  }\n\n  expiration_policy {\n    ttl = \"\"\n  }\n}\n\n# The deep-run",
			"  expiration_policy {\n    ttl = \"\"\n  }\n}\n\n# The deep-run",
			"google_pubsub_subscription.push: push without a dead-letter policy"},
		{"Cloud SQL gets a public IP", true, "modules/database/main.tf",
			"ipv4_enabled                                  = false", "ipv4_enabled                                  = true",
			"the instance has a public IP"},
		{"Cloud SQL loses deletion protection", true, "modules/database/main.tf",
			"deletion_protection = true", "deletion_protection = false",
			"google_sql_database_instance.main: deletion_protection is not true"},
		{"a service that does not use a secret may read it", true, "main.tf",
			`"clerk-secret-key"   = ["api"]`, `"clerk-secret-key"   = ["api", "runtask"]`,
			`secret "clerk-secret-key" is read by [api] but readable by [api runtask]`},
		{"a service reads a secret it is not granted", true, "services.tf",
			"    MEM0_API_KEY = \"mem0-api-key\"\n", "    MEM0_API_KEY   = \"mem0-api-key\"\n    GEMINI_API_KEY = \"gemini-api-key\"\n",
			`secret "gemini-api-key" is read by [agent runtask worker] but readable by [agent worker]`},
		{"the worker syncs a secret it is not granted", false, "secrets.yaml",
			`resourceName: "projects/${PROJECT_ID}/secrets/${PREFIX}-mem0-api-key/versions/latest"`,
			`resourceName: "projects/${PROJECT_ID}/secrets/${PREFIX}-clerk-secret-key/versions/latest"`,
			`secret "clerk-secret-key" is read by [api worker] but readable by [api]`},
		{"the worker leaves spot", false, "worker.yaml",
			"      nodeSelector:\n        cloud.google.com/gke-spot: \"true\"\n", "",
			"not on spot"},
		{"the worker's grace outlasts the spot notice", false, "worker.yaml",
			"terminationGracePeriodSeconds: 25", "terminationGracePeriodSeconds: 30",
			"terminationGracePeriodSeconds must be set, at most 25s"},
		{"the worker requests no memory", false, "worker.yaml",
			"            requests:\n              cpu: 250m\n              memory: 512Mi\n", "            requests:\n              cpu: 250m\n",
			"container worker requests no memory"},
		{"the disruption budget selects other Pods", false, "worker.yaml",
			"  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: torale-worker",
			"  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: torale-api",
			"no PodDisruptionBudget selects its Pods"},
		{"the autoscaler outgrows the pool sizing", false, "worker.yaml",
			"maxReplicas: 4", "maxReplicas: 8",
			"autoscaler maxReplicas 8 is not terraform's worker_max_replicas (4)"},
		{"a service names no registered function", true, "services.tf",
			`function_target = "notify"`, `function_target = "notifier"`,
			`module.notify: function_target "notifier" is not one of`},
		{"the agent runs the functions server", true, "services.tf",
			`  command         = ["/usr/local/bin/functions-agent"]` + "\n", "",
			`module.agent: agent has a binary of its own; set command = ["/usr/local/bin/functions-agent"]`},
		{"the agent runs another binary", true, "services.tf",
			`command         = ["/usr/local/bin/functions-agent"]`, `command         = ["/usr/local/bin/functions"]`,
			`module.agent: command is ["/usr/local/bin/functions"], not ["/usr/local/bin/functions-agent"]`},
		{"notify runs the agent's binary", true, "services.tf",
			`  function_target = "notify"` + "\n", `  function_target = "notify"` + "\n" + `  command         = ["/usr/local/bin/functions-agent"]` + "\n",
			`module.notify: notify has no binary of its own`},
		{"the worker names no function", false, "worker.yaml",
			"              value: worker\n", "              value: deep\n",
			`FUNCTION_TARGET "deep" is not one of`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := load(t)
			fsys := tr.k8s
			if c.tf {
				fsys = tr.tf
			}
			edit(t, fsys, c.file, c.old, c.new)
			err := tr.check(t)
			require.Error(t, err)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

// The manifests are parsed strictly: a misspelt field is an error, not a default.
func TestManifestsAreParsedStrictly(t *testing.T) {
	tr := load(t)
	edit(t, tr.k8s, "worker.yaml", "terminationGracePeriodSeconds: 25", "terminationGracePeriod: 25")
	_, err := policy.LoadManifests(tr.k8s)
	require.ErrorContains(t, err, `unknown field "terminationGracePeriod"`)

	tr = load(t)
	edit(t, tr.k8s, "secrets.yaml", "  secretProviderClassName: torale-worker", "  providerClass: torale-worker")
	_, err = policy.LoadManifests(tr.k8s)
	require.ErrorContains(t, err, `unknown field "providerClass"`)
}
