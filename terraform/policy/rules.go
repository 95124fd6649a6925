package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// The names the rules look for in the Terraform and the manifests.
const (
	serviceModule = "./modules/service"
	// workerTarget is the deep-run worker's FUNCTION_TARGET (platform.FunctionWorker, which
	// platform.AllFunctions lists like every other function).
	workerTarget = "worker"
	// maxGrace is the notice a spot node gets before it goes.
	maxGrace = 25
	// wiAnnotation links a Kubernetes account to its Google account (Workload Identity).
	wiAnnotation = "iam.gke.io/gcp-service-account"
)

var accountRef = regexp.MustCompile(`^google_service_account\.workload\["([a-z0-9-]+)"\]\.email$`)

// Check runs every rule; registered is the functions the server can serve, own the binaries
// of their own some of them have in the image (platform.OwnBinaries).
func Check(tf *Terraform, m *Manifests, registered []string, own map[string]string) error {
	return errors.Join(
		OwnServiceAccounts(tf, m),
		NoBroadRoles(tf),
		PushSubscriptions(tf),
		CloudSQL(tf),
		SecretReaders(tf, m),
		Worker(tf, m),
		FunctionTargets(tf, m, registered),
		Commands(tf, m, own),
	)
}

// OwnServiceAccounts: every Cloud Run service runs as the workload account named after its
// function, no two share one, and the worker's Kubernetes account acts as the worker's.
func OwnServiceAccounts(tf *Terraform, m *Manifests) error {
	var errs []error
	workloads := localKeys(tf, "workloads")
	seen := map[string]string{}
	services := tf.Modules(serviceModule)
	if len(services) == 0 {
		errs = append(errs, errors.New("no Cloud Run service modules found"))
	}
	for _, s := range services {
		target, _ := s.String("function_target")
		a := s.Attr("service_account")
		if a == nil {
			errs = append(errs, fmt.Errorf("%s: no service_account", s.Name()))
			continue
		}
		match := accountRef.FindStringSubmatch(s.Source(a.Expr))
		if match == nil {
			errs = append(errs, fmt.Errorf("%s: service_account is %q, not its own google_service_account.workload[NAME].email", s.Name(), s.Source(a.Expr)))
			continue
		}
		if match[1] != target {
			errs = append(errs, fmt.Errorf("%s: serves %q but runs as the %q account", s.Name(), target, match[1]))
		}
		if other, ok := seen[match[1]]; ok {
			errs = append(errs, fmt.Errorf("%s and %s share the %q account", other, s.Name(), match[1]))
		}
		seen[match[1]] = s.Name()
		if !workloads[match[1]] {
			errs = append(errs, fmt.Errorf("%s: no %q in local.workloads", s.Name(), match[1]))
		}
	}
	if !workloads[workerTarget] {
		errs = append(errs, errors.New("local.workloads has no worker account"))
	}
	if _, ok := seen[workerTarget]; ok {
		errs = append(errs, errors.New("a Cloud Run service runs as the worker's account"))
	}
	gke := tf.Blocks("module", "gke")
	if len(gke) != 1 {
		return errors.Join(append(errs, errors.New("no module \"gke\""))...)
	}
	if a := gke[0].Attr("worker_service_account"); a == nil || gke[0].Source(a.Expr) != `local.email["worker"]` {
		errs = append(errs, errors.New(`module.gke: worker_service_account is not local.email["worker"]`))
	}
	ns, _ := gke[0].String("worker_namespace")
	ksa, _ := gke[0].String("worker_ksa")
	if sa := m.serviceAccount(ns, ksa); sa == nil {
		errs = append(errs, fmt.Errorf("no Kubernetes service account %s/%s (module.gke's worker_namespace/worker_ksa)", ns, ksa))
	} else if sa.Annotations[wiAnnotation] == "" {
		errs = append(errs, fmt.Errorf("service account %s/%s has no %s annotation", ns, ksa, wiAnnotation))
	}
	for _, d := range m.Deployments {
		if d.Namespace != ns || d.Spec.Template.Spec.ServiceAccountName != ksa {
			errs = append(errs, fmt.Errorf("deployment %s/%s runs as %s/%s, not the worker's account %s/%s",
				d.Namespace, d.Name, d.Namespace, d.Spec.Template.Spec.ServiceAccountName, ns, ksa))
		}
	}
	return errors.Join(errs...)
}

// NoBroadRoles: no role granted anywhere is owner, editor or an admin role, and no grant is
// authoritative over the whole project.
func NoBroadRoles(tf *Terraform) error {
	var errs []error
	for file, strs := range tf.Strings() {
		for _, s := range strs {
			role := strings.ToLower(s)
			if !strings.HasPrefix(role, "roles/") {
				continue
			}
			if role == "roles/owner" || role == "roles/editor" || strings.Contains(role, "admin") {
				errs = append(errs, fmt.Errorf("%s: grants %s", file, s))
			}
		}
	}
	for _, typ := range []string{"google_project_iam_binding", "google_project_iam_policy"} {
		for _, b := range tf.Blocks("resource", typ) {
			errs = append(errs, fmt.Errorf("%s: %s replaces the project's grants; use google_project_iam_member", b.File, b.Name()))
		}
	}
	sortErrs(errs)
	return errors.Join(errs...)
}

// PushSubscriptions: every push subscription signs its requests with an OIDC token and sends
// what it cannot deliver to a dead-letter topic.
func PushSubscriptions(tf *Terraform) error {
	var errs []error
	pushes := 0
	for _, s := range tf.Blocks("resource", "google_pubsub_subscription") {
		push := s.Nested("push_config")
		if len(push) == 0 {
			continue
		}
		pushes++
		oidc := push[0].Nested("oidc_token")
		if len(oidc) == 0 || oidc[0].Attr("service_account_email") == nil || oidc[0].Attr("audience") == nil {
			errs = append(errs, fmt.Errorf("%s: push without an OIDC token (service_account_email and audience)", s.Name()))
		}
		dl := s.Nested("dead_letter_policy")
		if len(dl) == 0 || dl[0].Attr("dead_letter_topic") == nil {
			errs = append(errs, fmt.Errorf("%s: push without a dead-letter policy", s.Name()))
		}
	}
	if pushes == 0 {
		errs = append(errs, errors.New("no push subscriptions found"))
	}
	return errors.Join(errs...)
}

// CloudSQL: every instance has no public IP, deletion protection (Terraform's and the API's),
// IAM authentication, and backups with point-in-time recovery.
func CloudSQL(tf *Terraform) error {
	var errs []error
	instances := tf.Blocks("resource", "google_sql_database_instance")
	if len(instances) == 0 {
		errs = append(errs, errors.New("no Cloud SQL instance found"))
	}
	for _, db := range instances {
		bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(db.Name()+": "+format, a...)) }
		if v, ok := db.Bool("deletion_protection"); !ok || !v {
			bad("deletion_protection is not true")
		}
		settings := db.Nested("settings")
		if len(settings) != 1 {
			bad("no settings")
			continue
		}
		st := settings[0]
		if v, ok := st.Bool("deletion_protection_enabled"); !ok || !v {
			bad("settings.deletion_protection_enabled is not true")
		}
		ip := st.Nested("ip_configuration")
		if len(ip) != 1 {
			bad("no ip_configuration (the public IP is on by default)")
		} else {
			if v, ok := ip[0].Bool("ipv4_enabled"); !ok || v {
				bad("ip_configuration.ipv4_enabled is not false: the instance has a public IP")
			}
			if ip[0].Attr("private_network") == nil {
				bad("ip_configuration has no private_network")
			}
			if len(ip[0].Nested("authorized_networks")) > 0 {
				bad("ip_configuration has authorized_networks")
			}
		}
		backup := st.Nested("backup_configuration")
		if len(backup) != 1 {
			bad("no backup_configuration")
		} else {
			for _, name := range []string{"enabled", "point_in_time_recovery_enabled"} {
				if v, ok := backup[0].Bool(name); !ok || !v {
					bad("backup_configuration.%s is not true", name)
				}
			}
		}
		iam := false
		for _, f := range st.Nested("database_flags") {
			n, _ := f.String("name")
			v, _ := f.String("value")
			iam = iam || (n == "cloudsql.iam_authentication" && v == "on")
		}
		if !iam {
			bad("the cloudsql.iam_authentication flag is not on")
		}
	}
	return errors.Join(errs...)
}

// SecretReaders: each secret is readable by exactly the workloads whose settings name it (the
// Cloud Run services' secret_env and the worker's synced secrets), and access is granted on
// secrets only, never on the project.
func SecretReaders(tf *Terraform, m *Manifests) error {
	var errs []error
	mod := tf.Blocks("module", "secrets")
	if len(mod) != 1 {
		return errors.New("no module \"secrets\"")
	}
	v, ok := mod[0].Value("readers")
	readers, okMap := StringMap(v)
	if !ok || !okMap {
		return errors.New("module.secrets: readers is not a literal map of secret to workloads")
	}
	if sv, ok := mod[0].Value("secrets"); ok {
		declared, _ := StringMap(sv)
		for name := range declared {
			if _, ok := readers[name]; !ok {
				errs = append(errs, fmt.Errorf("module.secrets: secret %q has no readers entry", name))
			}
		}
	}
	users := map[string][]string{}
	for _, s := range tf.Modules(serviceModule) {
		target, _ := s.String("function_target")
		if s.Attr("secret_env") == nil {
			continue
		}
		env, ok := s.Value("secret_env")
		envs, okMap := StringMap(env)
		if !ok || !okMap {
			errs = append(errs, fmt.Errorf("%s: secret_env is not a literal map", s.Name()))
			continue
		}
		for _, secrets := range envs {
			users[secrets[0]] = append(users[secrets[0]], target)
		}
	}
	prefix, _ := tf.variableDefault("name_prefix")
	for _, secret := range m.workerSecrets(prefix) {
		users[secret] = append(users[secret], workerTarget)
	}
	for _, name := range union(keys(readers), keys(users)) {
		want, got := set(users[name]), set(readers[name])
		if !slices.Equal(want, got) {
			errs = append(errs, fmt.Errorf("secret %q is read by %v but readable by %v", name, want, got))
		}
	}
	for file, strs := range tf.Strings() {
		if strings.HasPrefix(file, "modules/secrets/") {
			continue
		}
		for _, s := range strs {
			if strings.HasPrefix(s, "roles/secretmanager.") {
				errs = append(errs, fmt.Errorf("%s: grants %s outside the secrets module", file, s))
			}
		}
	}
	return errors.Join(errs...)
}

// Worker: the deep-run worker runs on spot Pods within the spot notice, with requests, under a
// disruption budget and an autoscaler that stays within the Terraform's pool sizing.
func Worker(tf *Terraform, m *Manifests) error {
	var errs []error
	if len(m.Deployments) != 1 {
		return fmt.Errorf("want one worker Deployment, found %d", len(m.Deployments))
	}
	d := m.Deployments[0]
	pod := d.Spec.Template.Spec
	name := d.Namespace + "/" + d.Name
	if pod.NodeSelector["cloud.google.com/gke-spot"] != "true" {
		errs = append(errs, fmt.Errorf("%s: not on spot (nodeSelector cloud.google.com/gke-spot: \"true\")", name))
	}
	if g := pod.TerminationGracePeriodSeconds; g == nil || *g <= 0 || *g > maxGrace {
		errs = append(errs, fmt.Errorf("%s: terminationGracePeriodSeconds must be set, at most %ds (spot notice)", name, maxGrace))
	}
	if len(pod.Containers) == 0 {
		errs = append(errs, fmt.Errorf("%s: no containers", name))
	}
	for _, c := range pod.Containers {
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if q, ok := c.Resources.Requests[r]; !ok || q.IsZero() {
				errs = append(errs, fmt.Errorf("%s: container %s requests no %s", name, c.Name, r))
			}
		}
	}
	covered := false
	for _, pdb := range m.PDBs {
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		covered = covered || (err == nil && pdb.Namespace == d.Namespace && !sel.Empty() && sel.Matches(labels.Set(d.Spec.Template.Labels)))
	}
	if !covered {
		errs = append(errs, fmt.Errorf("%s: no PodDisruptionBudget selects its Pods", name))
	}
	scaled := false
	want, _ := tf.variableDefault("worker_max_replicas")
	for _, h := range m.HPAs {
		if h.Namespace != d.Namespace || h.Spec.ScaleTargetRef.Kind != "Deployment" || h.Spec.ScaleTargetRef.Name != d.Name {
			continue
		}
		scaled = true
		if fmt.Sprint(h.Spec.MaxReplicas) != want {
			errs = append(errs, fmt.Errorf("%s: autoscaler maxReplicas %d is not terraform's worker_max_replicas (%s), which sizes the database pool", name, h.Spec.MaxReplicas, want))
		}
	}
	if !scaled {
		errs = append(errs, fmt.Errorf("%s: no HorizontalPodAutoscaler scales it", name))
	}
	return errors.Join(errs...)
}

// FunctionTargets: every FUNCTION_TARGET the deployment sets names a function the server can
// serve.
func FunctionTargets(tf *Terraform, m *Manifests, registered []string) error {
	var errs []error
	for _, s := range tf.Modules(serviceModule) {
		target, ok := s.String("function_target")
		if !ok || !slices.Contains(registered, target) {
			errs = append(errs, fmt.Errorf("%s: function_target %q is not one of %v", s.Name(), target, registered))
		}
	}
	allowed := registered
	for _, d := range m.Deployments {
		found := false
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				if e.Name != "FUNCTION_TARGET" {
					continue
				}
				found = true
				if !slices.Contains(allowed, e.Value) {
					errs = append(errs, fmt.Errorf("deployment %s: FUNCTION_TARGET %q is not one of %v", d.Name, e.Value, allowed))
				}
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("deployment %s: no FUNCTION_TARGET", d.Name))
		}
	}
	return errors.Join(errs...)
}

// Commands: a service whose function has a binary of its own in the image runs that binary
// (its command), so it starts without what the other functions link; every other service and
// the worker run the image's entry point (no command), the functions server.
func Commands(tf *Terraform, m *Manifests, own map[string]string) error {
	var errs []error
	for _, s := range tf.Modules(serviceModule) {
		target, _ := s.String("function_target")
		want, has := own[target]
		v, set := s.Value("command")
		switch {
		case has && !set:
			errs = append(errs, fmt.Errorf("%s: %s has a binary of its own; set command = [%q]", s.Name(), target, want))
		case has && !commandIs(v, want):
			errs = append(errs, fmt.Errorf("%s: command is %s, not [%q]", s.Name(), s.Source(s.Attr("command").Expr), want))
		case !has && s.Attr("command") != nil:
			errs = append(errs, fmt.Errorf("%s: %s has no binary of its own; leave the command to the image's entry point", s.Name(), target))
		}
	}
	for _, d := range m.Deployments {
		for _, c := range d.Spec.Template.Spec.Containers {
			if len(c.Command) > 0 {
				errs = append(errs, fmt.Errorf("deployment %s: container %s sets a command; the worker runs the image's entry point", d.Name, c.Name))
			}
		}
	}
	return errors.Join(errs...)
}

// commandIs reports whether v is the one-element list [path].
func commandIs(v cty.Value, path string) bool {
	if !v.Type().IsTupleType() && !v.Type().IsListType() || v.LengthInt() != 1 {
		return false
	}
	first := v.Index(cty.NumberIntVal(0))
	return first.Type() == cty.String && first.AsString() == path
}

// localKeys returns the keys of the literal object local name.
func localKeys(tf *Terraform, name string) map[string]bool {
	out := map[string]bool{}
	for _, b := range tf.Blocks("locals") {
		if v, ok := b.Value(name); ok {
			m, _ := StringMap(v)
			for k := range m {
				out[k] = true
			}
		}
	}
	return out
}

// variableDefault is the literal default of a root variable, written as Go prints it.
func (t *Terraform) variableDefault(name string) (string, bool) {
	for _, b := range t.Blocks("variable", name) {
		if !strings.Contains(b.File, "/") {
			if v, ok := b.Value("default"); ok {
				if v.Type().FriendlyName() == "string" {
					return v.AsString(), true
				}
				bf := v.AsBigFloat()
				return bf.Text('f', -1), true
			}
		}
	}
	return "", false
}

func (m *Manifests) serviceAccount(ns, name string) *corev1.ServiceAccount {
	for i, sa := range m.ServiceAccounts {
		if sa.Namespace == ns && sa.Name == name {
			return &m.ServiceAccounts[i]
		}
	}
	return nil
}

var resourceName = regexp.MustCompile(`resourceName:\s*"?projects/[^/]+/secrets/([^/]+)/versions/`)

// workerSecrets are the secrets (short names) synced for the worker: the ids in its
// SecretProviderClass, less the name prefix.
func (m *Manifests) workerSecrets(prefix string) []string {
	var out []string
	for _, c := range m.ProviderClasses {
		for _, match := range resourceName.FindAllStringSubmatch(c.Spec.Parameters["secrets"], -1) {
			id := match[1]
			id = strings.TrimPrefix(id, "${PREFIX}-")
			id = strings.TrimPrefix(id, prefix+"-")
			out = append(out, id)
		}
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func union(a, b []string) []string { return set(append(slices.Clone(a), b...)) }

func set(list []string) []string {
	out := slices.Clone(list)
	sort.Strings(out)
	return slices.Compact(out)
}

func sortErrs(errs []error) {
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
}
