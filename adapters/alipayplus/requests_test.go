package alipayplus

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// TestClientStructsCarryEveryMember walks every request definition (every
// endpoint, every profile, nested objects included) and checks that the
// request struct a merchant builds in package wire has a field with the
// member's JSON name and a type that encodes to the member's kind, so a
// member added to a definition cannot be forgotten on the client's side.
func TestClientStructsCarryEveryMember(t *testing.T) {
	structs := map[string]reflect.Type{
		wire.EndpointPay:            reflect.TypeFor[wire.PayRequest](),
		wire.EndpointInquiryPayment: reflect.TypeFor[wire.PaymentQuery](),
		wire.EndpointCancel:         reflect.TypeFor[wire.PaymentQuery](),
		wire.EndpointRefund:         reflect.TypeFor[wire.RefundRequest](),
		wire.EndpointInquiryRefund:  reflect.TypeFor[wire.RefundQuery](),
		wire.EndpointCapture:        reflect.TypeFor[wire.CaptureRequest](),
	}
	// Objects the client sends as raw JSON, and the struct that builds
	// them.
	rawObjects := map[string]reflect.Type{"order": reflect.TypeFor[wire.Order]()}
	rawMessage := reflect.TypeFor[json.RawMessage]()

	var check func(what string, typ reflect.Type, members []shape)
	check = func(what string, typ reflect.Type, members []shape) {
		fields := jsonFields(typ)
		for _, m := range members {
			if m.name == "" {
				continue
			}
			name := what + "." + m.name
			f, ok := fields[m.name]
			if !ok {
				t.Errorf("%s: %s has no field with JSON name %q", name, typ, m.name)
				continue
			}
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch m.kind {
			case kindText, kindEnum, kindURL, kindTime, kindJSONText:
				if ft.Kind() != reflect.String {
					t.Errorf("%s: %s.%s is %s, want a string", name, typ, f.Name, f.Type)
				}
			case kindFlag:
				if ft.Kind() != reflect.Bool {
					t.Errorf("%s: %s.%s is %s, want a bool", name, typ, f.Name, f.Type)
				}
			case kindAmount:
				if ft != reflect.TypeFor[wire.Amount]() {
					t.Errorf("%s: %s.%s is %s, want wire.Amount", name, typ, f.Name, f.Type)
				}
			case kindObject:
				switch {
				case ft == rawMessage:
					if len(m.members) == 0 {
						continue
					}
					built, ok := rawObjects[m.name]
					if !ok {
						t.Errorf("%s: %s.%s is raw JSON and no struct of package wire builds it", name, typ, f.Name)
						continue
					}
					check(name, built, m.members)
				case ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String && ft.Elem().Kind() == reflect.String:
					for _, sub := range m.members { // any key: only the values' kind matters
						if sub.kind != kindText && sub.kind != kindJSONText {
							t.Errorf("%s.%s: %s.%s is a map of strings, the member is not text", name, sub.name, typ, f.Name)
						}
					}
				case ft.Kind() == reflect.Struct:
					check(name, ft, m.members)
				default:
					t.Errorf("%s: %s.%s is %s, want a struct", name, typ, f.Name, f.Type)
				}
			}
		}
	}
	n := 0
	for _, r := range requestShapes() {
		typ, ok := structs[r.endpoint]
		if !ok {
			t.Errorf("%s: no request struct in package wire", r.endpoint)
			continue
		}
		check(string(r.profile)+" "+r.endpoint, typ, r.members)
		n++
	}
	if n != len(profiles)*len(endpoints) {
		t.Errorf("%d request definitions checked, want one per endpoint and profile (%d)", n, len(profiles)*len(endpoints))
	}
}

// jsonFields returns the fields of struct typ by JSON name.
func jsonFields(typ reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f
	}
	return out
}
