package notify

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/internal/alipaytest"
	"github.com/paystate/paystate/engine"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// webhookDoc is docs/openapi.json, for checking what the notifier sends
// against its webhooks.
type webhookDoc struct {
	root any
	c    *jsonschema.Compiler
}

const webhookDocURL = "https://paystate.example/docs/openapi.json"

func loadWebhookDoc(t *testing.T) *webhookDoc {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(webhookDocURL, root); err != nil {
		t.Fatal(err)
	}
	return &webhookDoc{root: root, c: c}
}

// object returns the object at a JSON pointer, following "$ref"s, and the
// pointer it ended at.
func (d *webhookDoc) object(t *testing.T, ptr string) (map[string]any, string) {
	t.Helper()
	for range 10 {
		var v any = d.root
		for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			switch x := v.(type) {
			case map[string]any:
				v = x[strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)]
			case []any:
				if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(x) {
					v = x[i]
				} else {
					v = nil
				}
			default:
				v = nil
			}
		}
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("openapi: no object at %s", ptr)
		}
		r, ok := m["$ref"].(string)
		if !ok {
			return m, ptr
		}
		ptr = strings.TrimPrefix(r, "#")
	}
	t.Fatalf("openapi: $ref loop at %s", ptr)
	return nil, ""
}

// validate checks v (decoded by jsonschema.UnmarshalJSON, or a string)
// against the schema at ptr.
func (d *webhookDoc) validate(t *testing.T, what, ptr string, v any) {
	t.Helper()
	s, err := d.c.Compile(webhookDocURL + "#" + ptr)
	if err != nil {
		t.Fatalf("openapi: %s: %v", ptr, err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not match %s: %v", what, ptr, err)
	}
}

// webhookOf returns the pointer of the POST operation of the
// notifyPayment webhook whose x-profiles names profile (antom partners are
// also named by notifyRefund and notifyCapture webhooks).
func (d *webhookDoc) webhookOf(t *testing.T, profile string) string {
	t.Helper()
	hooks, _ := d.root.(map[string]any)["webhooks"].(map[string]any)
	for name := range hooks {
		if !strings.HasPrefix(name, "notifyPayment") {
			continue
		}
		op, ptr := d.object(t, "/webhooks/"+name+"/post")
		if xp, _ := op["x-profiles"].(map[string]any); xp[profile] != nil {
			return ptr
		}
	}
	t.Fatalf("openapi: no webhook for profile %s", profile)
	return ""
}

// TestNotificationsMatchTheWebhooks sends paid, declined and expired
// notifications to a partner of each body shape through the notifier and
// checks what the merchant received against the webhook docs/openapi.json
// names for the partner's profile: the body against its schema and every
// header against its header parameter (required ones present, none
// repeated); and the signed acknowledgement the merchant answered against
// the webhook's 2XX answer, headers included. Which body every profile
// and outcome gets is checked in package alipayplus (TestOpenAPIWebhooks).
func TestNotificationsMatchTheWebhooks(t *testing.T) {
	d := loadWebhookDoc(t)
	keys := alipaytest.Keys(t)
	for _, p := range []struct {
		partner, profile, clientID string
	}{
		{"partner-a", "miniprogram-v1", testClientA},
		{"partner-b", "antom", testClientB},
	} {
		t.Run(p.profile, func(t *testing.T) {
			key := keys.A1
			if p.partner == "partner-b" {
				key = keys.B
			}
			answer := signedAck(t, key, "1", p.clientID, "/n", ackS)
			m := newMerchant(t, answer)
			n := loopbackNotifier(t, nil)
			paid := successMessage(m.URL + "/n")
			paid.PartnerID = p.partner
			declined := paid
			declined.State, declined.FailReason = engine.PaymentFail, engine.CodeBalanceNotEnough
			expired := paid
			expired.State, expired.FailReason = engine.PaymentFail, engine.CodeExpired
			op := d.webhookOf(t, p.profile)
			opObj, _ := d.object(t, op)
			params, _ := opObj["parameters"].([]any)
			if len(params) == 0 {
				t.Fatal("the webhook documents no headers")
			}
			for i, msg := range []engine.Notification{paid, declined, expired} {
				if err := n.Notify(context.Background(), msg); err != nil {
					t.Fatalf("notification %d: %v", i, err)
				}
				got := m.request(i)
				body, err := jsonschema.UnmarshalJSON(bytes.NewReader(got.Body))
				if err != nil {
					t.Fatal(err)
				}
				d.validate(t, "the body "+string(got.Body), op+"/requestBody/content/application~1json/schema", body)
				for j := range params {
					param, ptr := d.object(t, op+"/parameters/"+strconv.Itoa(j))
					name, _ := param["name"].(string)
					values := got.Header.Values(name)
					if len(values) != 1 {
						if req, _ := param["required"].(bool); req || len(values) > 1 {
							t.Errorf("notification %d: header %s sent %d times", i, name, len(values))
						}
						continue
					}
					d.validate(t, "header "+name+": "+values[0], ptr+"/schema", values[0])
				}
			}
			// The acknowledgement the merchant gave, as the notifier took it.
			rec := httptest.NewRecorder()
			answer(rec, nil, nil)
			ack, err := jsonschema.UnmarshalJSON(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			d.validate(t, "the acknowledgement", op+"/responses/2XX/content/application~1json/schema", ack)
			resp, _ := d.object(t, op+"/responses/2XX")
			headers, _ := resp["headers"].(map[string]any)
			for name := range headers {
				_, ptr := d.object(t, op+"/responses/2XX/headers/"+name)
				d.validate(t, "acknowledgement header "+name, ptr+"/schema", rec.Header().Get(name))
			}
		})
	}
}
