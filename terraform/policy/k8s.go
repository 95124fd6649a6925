package policy

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// Manifests are the worker's Kubernetes objects, each parsed strictly into its k8s.io/api
// type (an unknown or misspelt field is an error, as kubectl apply --validate=strict has it).
type Manifests struct {
	Namespaces      []corev1.Namespace
	ServiceAccounts []corev1.ServiceAccount
	Deployments     []appsv1.Deployment
	PDBs            []policyv1.PodDisruptionBudget
	HPAs            []autoscalingv2.HorizontalPodAutoscaler
	ProviderClasses []SecretProviderClass
	SecretSyncs     []SecretSync
}

// SecretProviderClass is the Secrets Store CSI driver's object (secrets-store.csi.x-k8s.io/v1)
// as GKE's provider reads it; there is no k8s.io/api type for it.
type SecretProviderClass struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Provider   string            `json:"provider"`
		Parameters map[string]string `json:"parameters"`
	} `json:"spec"`
}

// SecretSync is GKE's secret sync object (secret-sync.gke.io/v1).
type SecretSync struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		ServiceAccountName      string `json:"serviceAccountName"`
		SecretProviderClassName string `json:"secretProviderClassName"`
		SecretObject            struct {
			Type string `json:"type"`
			Data []struct {
				SourcePath string `json:"sourcePath"`
				TargetKey  string `json:"targetKey"`
			} `json:"data"`
		} `json:"secretObject"`
	} `json:"spec"`
}

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// LoadManifests parses every .yaml file in fsys.
func LoadManifests(fsys fs.FS) (*Manifests, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	m := &Manifests{}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		for i, doc := range docSeparator.Split(string(src), -1) {
			if len(bytes.TrimSpace(stripComments([]byte(doc)))) == 0 {
				continue
			}
			if err := m.add([]byte(doc)); err != nil {
				return nil, fmt.Errorf("%s, document %d: %w", path.Base(name), i+1, err)
			}
		}
	}
	return m, nil
}

func (m *Manifests) add(doc []byte) error {
	var meta metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &meta); err != nil {
		return err
	}
	kind := meta.APIVersion + " " + meta.Kind
	switch kind {
	case "v1 Namespace":
		return strict(doc, &m.Namespaces)
	case "v1 ServiceAccount":
		return strict(doc, &m.ServiceAccounts)
	case "apps/v1 Deployment":
		return strict(doc, &m.Deployments)
	case "policy/v1 PodDisruptionBudget":
		return strict(doc, &m.PDBs)
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return strict(doc, &m.HPAs)
	case "secrets-store.csi.x-k8s.io/v1 SecretProviderClass":
		return strict(doc, &m.ProviderClasses)
	case "secret-sync.gke.io/v1 SecretSync":
		return strict(doc, &m.SecretSyncs)
	}
	return fmt.Errorf("unexpected object %q", kind)
}

// strict appends doc, parsed with unknown fields refused, to *list.
func strict[T any](doc []byte, list *[]T) error {
	var v T
	if err := yaml.UnmarshalStrict(doc, &v); err != nil {
		return err
	}
	*list = append(*list, v)
	return nil
}

func stripComments(doc []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}
