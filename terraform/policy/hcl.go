// Package policy checks what must hold of Torale's deployment before anyone applies it: the
// Terraform under terraform/ (parsed with hclsyntax, never evaluated against a provider) and
// the worker's Kubernetes manifests under deploy/k8s (parsed strictly with the k8s.io/api
// types). Each rule is a function returning every violation it finds; the tests run them on
// the real tree and on copies broken one rule at a time.
package policy

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Terraform is every .tf file of a tree, parsed.
type Terraform struct {
	files map[string]*hcl.File // by slash path relative to the tree's root
}

// Block is one block with the file it is in, so expressions can be read back as written.
type Block struct {
	File string
	src  []byte
	*hclsyntax.Block
}

// LoadTerraform parses every .tf file under fsys (a module tree: the root and modules/).
func LoadTerraform(fsys fs.FS) (*Terraform, error) {
	t := &Terraform{files: map[string]*hcl.File{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != "." {
			return fs.SkipDir // .terraform and the like
		}
		if d.IsDir() || path.Ext(p) != ".tf" {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
		if diags.HasErrors() {
			return fmt.Errorf("parsing %s: %s", p, diags.Error())
		}
		t.files[p] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(t.files) == 0 {
		return nil, fmt.Errorf("no .tf files found")
	}
	return t, nil
}

// Blocks returns the top-level blocks of type typ whose labels start with labels, in file order.
func (t *Terraform) Blocks(typ string, labels ...string) []Block {
	names := make([]string, 0, len(t.files))
	for n := range t.files {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Block
	for _, n := range names {
		f := t.files[n]
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			if b.Type != typ || len(b.Labels) < len(labels) {
				continue
			}
			match := true
			for i, l := range labels {
				match = match && b.Labels[i] == l
			}
			if match {
				out = append(out, Block{File: n, src: f.Bytes, Block: b})
			}
		}
	}
	return out
}

// Modules returns the module blocks whose source is source (such as "./modules/service").
func (t *Terraform) Modules(source string) []Block {
	var out []Block
	for _, b := range t.Blocks("module") {
		if s, ok := b.String("source"); ok && s == source {
			out = append(out, b)
		}
	}
	return out
}

// Strings returns every string literal in every file with the file it is in.
func (t *Terraform) Strings() map[string][]string {
	out := map[string][]string{}
	for name, f := range t.files {
		_ = hclsyntax.VisitAll(f.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
			if lit, ok := n.(*hclsyntax.TemplateExpr); ok && lit.IsStringLiteral() {
				v, _ := lit.Value(nil)
				out[name] = append(out[name], v.AsString())
			}
			return nil
		})
	}
	return out
}

// Name is the block's address, such as module.api or google_sql_database_instance.main.
func (b Block) Name() string {
	if b.Type == "resource" || b.Type == "data" {
		return strings.Join(b.Labels, ".")
	}
	return b.Type + "." + strings.Join(b.Labels, ".")
}

// Source is how expression e is written.
func (b Block) Source(e hclsyntax.Expression) string {
	r := e.Range()
	return strings.Join(strings.Fields(string(b.src[r.Start.Byte:r.End.Byte])), " ")
}

// Attr returns the block's attribute name (nil when absent).
func (b Block) Attr(name string) *hclsyntax.Attribute {
	return b.Body.Attributes[name]
}

// Value evaluates attribute name without variables: set only for literals (strings, numbers,
// bools and lists and objects of them).
func (b Block) Value(name string) (cty.Value, bool) {
	a := b.Attr(name)
	if a == nil {
		return cty.NilVal, false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return cty.NilVal, false
	}
	return v, true
}

// String is attribute name as a string literal.
func (b Block) String(name string) (string, bool) {
	v, ok := b.Value(name)
	if !ok || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// Bool is attribute name as a bool literal.
func (b Block) Bool(name string) (value, ok bool) {
	v, ok := b.Value(name)
	if !ok || v.Type() != cty.Bool {
		return false, false
	}
	return v.True(), true
}

// Nested returns the nested blocks of type typ.
func (b Block) Nested(typ string) []Block {
	var out []Block
	for _, n := range b.Body.Blocks {
		if n.Type == typ {
			out = append(out, Block{File: b.File, src: b.src, Block: n})
		}
	}
	return out
}

// StringMap reads a literal object of strings, or of lists of strings (each value a list).
func StringMap(v cty.Value) (map[string][]string, bool) {
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return nil, false
	}
	out := map[string][]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		switch {
		case e.Type() == cty.String:
			out[k.AsString()] = []string{e.AsString()}
		case e.Type().IsTupleType() || e.Type().IsListType():
			var list []string
			for lt := e.ElementIterator(); lt.Next(); {
				_, s := lt.Element()
				if s.Type() != cty.String {
					return nil, false
				}
				list = append(list, s.AsString())
			}
			out[k.AsString()] = list
		default:
			return nil, false
		}
	}
	return out, true
}
