package alipayplus

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// This file keeps docs/openapi.json generated (TestOpenAPIGolden: the file
// is what openAPIDocument builds from the definitions, the wire structs,
// the code tables and openapi/overlay.json) and checks what generation
// does not make true by itself: the document is an OpenAPI 3.1 description
// of exactly the paths the handler serves, its schemas compile as JSON
// Schema 2020-12 and its examples validate. openapi_answers_test.go then
// drives the real handler and validates every answer (and every accepted
// request) against it; openapi_requests_test.go checks the requests whose
// verdict rests on the document's patterns and on rules it states in words.

// openapiFile is the document, relative to this package.
var openapiFile = filepath.Join("..", "..", "docs", "openapi.json")

// oaDocURL is the base URL the document is added under: its internal refs
// ("#/components/schemas/...") resolve inside it.
const oaDocURL = "https://paystate.example/docs/openapi.json"

// oaDoc is the loaded document with its schemas compiled on demand.
type oaDoc struct {
	root map[string]any // decoded with jsonschema.UnmarshalJSON (numbers are json.Number)

	mu      sync.Mutex
	c       *jsonschema.Compiler
	schemas map[string]*jsonschema.Schema // by JSON pointer
}

var loadOpenAPIOnce = sync.OnceValues(func() (*oaDoc, error) {
	raw, err := os.ReadFile(openapiFile)
	if err != nil {
		return nil, err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s is not JSON: %w", openapiFile, err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a JSON object", openapiFile)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(oaDocURL, root); err != nil {
		return nil, err
	}
	return &oaDoc{root: root, c: c, schemas: map[string]*jsonschema.Schema{}}, nil
})

// loadOpenAPI returns the document, loaded once per test binary.
func loadOpenAPI(t testing.TB) *oaDoc {
	t.Helper()
	d, err := loadOpenAPIOnce()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// oaPointer joins tokens into a JSON pointer ("/paths/~1v1~1payments~1pay").
func oaPointer(tokens ...string) string {
	var b strings.Builder
	for _, tok := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
	}
	return b.String()
}

// lookup returns the value at a JSON pointer of the document.
func (d *oaDoc) lookup(ptr string) (any, bool) {
	var v any = d.root
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// object returns the object at ptr, following OpenAPI "$ref"s (response,
// header and parameter objects refer to components that way); it returns
// the pointer it ended at too.
func (d *oaDoc) object(t testing.TB, ptr string) (map[string]any, string) {
	t.Helper()
	for range 10 {
		v, ok := d.lookup(ptr)
		if !ok {
			t.Fatalf("openapi: nothing at %s", ptr)
		}
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("openapi: %s is not an object", ptr)
		}
		r, ok := m["$ref"].(string)
		if !ok {
			return m, ptr
		}
		if !strings.HasPrefix(r, "#/") {
			t.Fatalf("openapi: %s refers outside the document: %s", ptr, r)
		}
		ptr = r[1:]
	}
	t.Fatalf("openapi: $ref loop at %s", ptr)
	return nil, ""
}

// schema returns the compiled JSON Schema at ptr.
func (d *oaDoc) schema(t testing.TB, ptr string) *jsonschema.Schema {
	t.Helper()
	s, err := d.compile(ptr)
	if err != nil {
		t.Fatalf("openapi: schema at %s: %v", ptr, err)
	}
	return s
}

func (d *oaDoc) compile(ptr string) (*jsonschema.Schema, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.schemas[ptr]; ok {
		return s, nil
	}
	s, err := d.c.Compile(oaDocURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	d.schemas[ptr] = s
	return s, nil
}

// validate checks v (decoded with jsonschema.UnmarshalJSON) against the
// schema at ptr.
func (d *oaDoc) validate(t testing.TB, ptr string, v any) error {
	t.Helper()
	return d.schema(t, ptr).Validate(v)
}

// validateJSON decodes raw and validates it against the schema at ptr; a
// body that is not JSON is invalid.
func (d *oaDoc) validateJSON(t testing.TB, ptr string, raw []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return d.validate(t, ptr, v)
}

// operation returns the POST operation of a documented path and its
// pointer, or false for a path the document does not list.
func (d *oaDoc) operation(path string) (map[string]any, string, bool) {
	ptr := oaPointer("paths", path, "post")
	v, ok := d.lookup(ptr)
	if !ok {
		return nil, "", false
	}
	op, ok := v.(map[string]any)
	return op, ptr, ok
}

// profileSchemas returns the request and response schema pointers the
// operation's x-profiles names for a profile.
func (d *oaDoc) profileSchemas(t testing.TB, opPtr string, prof Profile) (request, response string) {
	t.Helper()
	v, ok := d.lookup(opPtr + oaPointer("x-profiles", string(prof)))
	if !ok {
		t.Fatalf("openapi: %s has no x-profiles entry for %s", opPtr, prof)
	}
	m, _ := v.(map[string]any)
	req, _ := m["request"].(string)
	resp, _ := m["response"].(string)
	if !strings.HasPrefix(req, "#/components/schemas/") || !strings.HasPrefix(resp, "#/components/schemas/") {
		t.Fatalf("openapi: %s x-profiles.%s = %v", opPtr, prof, m)
	}
	return req[1:], resp[1:]
}

// servedPaths returns the paths the handler answers: every endpoint of the
// table under both prefixes.
func servedPaths() []string {
	var out []string
	for _, e := range endpoints {
		out = append(out, wire.PathPrefix+e.name, wire.AntomPathPrefix+e.name)
	}
	sort.Strings(out)
	return out
}

// documentedStatuses returns the HTTP statuses an operation documents.
func documentedStatuses(t testing.TB, op map[string]any) []int {
	t.Helper()
	responses, _ := op["responses"].(map[string]any)
	var out []int
	for k := range responses {
		n, err := strconv.Atoi(k)
		if err != nil {
			t.Fatalf("openapi: response key %q is not an HTTP status", k)
		}
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

func TestOpenAPIDocument(t *testing.T) {
	d := loadOpenAPI(t)
	if v, _ := d.root["openapi"].(string); v != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", v)
	}
	if v, _ := d.root["jsonSchemaDialect"].(string); v != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("jsonSchemaDialect = %q, want draft 2020-12", v)
	}

	t.Run("paths are exactly the served ones", func(t *testing.T) {
		paths, _ := d.root["paths"].(map[string]any)
		var documented []string
		for p := range paths {
			documented = append(documented, p)
		}
		sort.Strings(documented)
		if want := servedPaths(); !slices.Equal(documented, want) {
			t.Fatalf("documented paths %v\nserved paths     %v", documented, want)
		}
		for p, item := range paths {
			for k := range item.(map[string]any) {
				switch k {
				case "post", "summary", "description":
				default:
					t.Errorf("%s: %q: the handler answers POST only (other methods: 405, listed under post)", p, k)
				}
			}
		}
	})

	t.Run("every schema compiles", func(t *testing.T) {
		n := 0
		var walk func(ptr string, v any)
		walk = func(ptr string, v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, child := range x {
					cp := ptr + oaPointer(k)
					if k == "schema" {
						if _, err := d.compile(cp); err != nil {
							t.Errorf("%s: %v", cp, err)
						}
						n++
						continue
					}
					walk(cp, child)
				}
			case []any:
				for i, child := range x {
					walk(ptr+"/"+strconv.Itoa(i), child)
				}
			}
		}
		walk("", d.root)
		components, _ := d.root["components"].(map[string]any)
		schemas, _ := components["schemas"].(map[string]any)
		if len(schemas) == 0 {
			t.Error("no components/schemas")
		}
		for name := range schemas {
			if _, err := d.compile(oaPointer("components", "schemas", name)); err != nil {
				t.Errorf("components/schemas/%s: %v", name, err)
			}
			n++
		}
		t.Logf("%d schemas compiled", n)
	})

	t.Run("examples validate", func(t *testing.T) {
		n := 0
		var walk func(ptr string, v any)
		walk = func(ptr string, v any) {
			m, ok := v.(map[string]any)
			if !ok {
				if a, ok := v.([]any); ok {
					for i, child := range a {
						walk(ptr+"/"+strconv.Itoa(i), child)
					}
				}
				return
			}
			if _, hasSchema := m["schema"]; hasSchema {
				sp := ptr + "/schema"
				if ex, ok := m["example"]; ok {
					n++
					if err := d.validate(t, sp, ex); err != nil {
						t.Errorf("%s/example: %v", ptr, err)
					}
				}
				if exs, ok := m["examples"].(map[string]any); ok {
					for name, e := range exs {
						n++
						if err := d.validate(t, sp, e.(map[string]any)["value"]); err != nil {
							t.Errorf("%s/examples/%s: %v", ptr, name, err)
						}
					}
				}
			}
			for k, child := range m {
				walk(ptr+oaPointer(k), child)
			}
		}
		walk("", d.root)
		if n == 0 {
			t.Fatal("no examples found")
		}
		t.Logf("%d examples validated", n)
	})

}

// TestOpenAPIGolden regenerates the document and fails when
// docs/openapi.json differs from it; go test -update rewrites the file.
// Review the diff: the document is what merchants read.
func TestOpenAPIGolden(t *testing.T) {
	got, err := openAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	if *updateGolden {
		if err := os.WriteFile(openapiFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(openapiFile)
	if err != nil {
		t.Fatalf("%v (run go test -run TestOpenAPIGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		line := func(ls []string) string {
			if i < len(ls) {
				return ls[i]
			}
			return "(end of file)"
		}
		t.Errorf("%s is not the generated document (edit the definitions or openapi/overlay.json, then run go test -run TestOpenAPIGolden -update and review the diff); first difference at line %d:\ngenerated: %s\nfile:      %s",
			openapiFile, i+1, line(gl), line(wl))
	}
}

// Each profile's answers list the result codes of its own seed: A ACCEPT
// only in the mini-program's pay, MSG_PARSE_ERROR only in v1-en (seed
// 001), ORDER_IS_CANCELED only in antom's pay (seed 004); the codes every
// profile shares are in all three.
func TestOpenAPIResultCodesPerProfile(t *testing.T) {
	d := loadOpenAPI(t)
	codesOf := func(endpoint string, prof Profile) []string {
		t.Helper()
		_, opPtr, _ := d.operation(wire.PathPrefix + endpoint)
		_, respPtr := d.profileSchemas(t, opPtr, prof)
		resp, _ := d.lookup(respPtr)
		ref, _ := resp.(map[string]any)["properties"].(map[string]any)["result"].(map[string]any)["$ref"].(string)
		if ref == "" { // a result narrowed by allOf (pay without A)
			all, _ := resp.(map[string]any)["properties"].(map[string]any)["result"].(map[string]any)["allOf"].([]any)
			if len(all) > 0 {
				ref, _ = all[0].(map[string]any)["$ref"].(string)
			}
		}
		rc, ok := d.lookup(strings.TrimPrefix(ref, "#"))
		if !ok {
			t.Fatalf("%s %s: no result component behind %q", endpoint, prof, ref)
		}
		enum := rc.(map[string]any)["allOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)["resultCode"].(map[string]any)["enum"].([]any)
		var out []string
		for _, c := range enum {
			out = append(out, c.(string))
		}
		return out
	}
	for _, ep := range []string{wire.EndpointPay, wire.EndpointInquiryPayment, wire.EndpointCancel, wire.EndpointRefund, wire.EndpointInquiryRefund} {
		for _, prof := range profiles {
			codes := codesOf(ep, prof)
			for code, only := range profileOnlyCodes {
				if slices.Contains(codes, code) && only != prof {
					t.Errorf("%s, %s lists %s, which only %s answers", ep, prof, code, only)
				}
			}
			for _, shared := range []string{wire.CodeSuccess, wire.CodeParamIllegal, wire.CodeUnknownException} {
				if !slices.Contains(codes, shared) {
					t.Errorf("%s, %s does not list %s", ep, prof, shared)
				}
			}
			if want := prof == ProfileV1EN; slices.Contains(codes, wire.CodeMsgParseError) != want {
				t.Errorf("%s, %s: MSG_PARSE_ERROR listed %v, want %v", ep, prof, !want, want)
			}
		}
	}
	if !slices.Contains(codesOf(wire.EndpointPay, ProfileAntom), wire.CodeOrderIsCanceled) ||
		!slices.Contains(codesOf(wire.EndpointPay, ProfileMiniProgramV1), wire.CodeAccept) {
		t.Error("antom's pay lacks ORDER_IS_CANCELED or the mini-program's pay lacks ACCEPT")
	}
}
