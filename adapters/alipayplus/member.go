package alipayplus

import (
	"time"

	"github.com/paystate/paystate/engine"
)

// kind is the JSON a request member takes and how the walker (decode.go)
// reads it; the OpenAPI document (openapi.go) describes each kind once.
type kind uint8

const (
	kindText     kind = iota + 1 // a JSON string of at most max characters
	kindEnum                     // a JSON string of at most maxEnumValue characters, one of values
	kindFlag                     // JSON true/false or the strings "true"/"false"; absent is false
	kindObject                   // a JSON object whose members are members
	kindAmount                   // an Amount object: ISO 4217 currency and minor units as digits
	kindTime                     // an ISO 8601 date-time with a UTC offset
	kindURL                      // an absolute http or https URL of at most max characters
	kindJSONText                 // a JSON string holding a JSON text
)

// spec is what a request member is, apart from where its value goes:
// everything the walker checks and the OpenAPI document says of it. It is
// written once, in the definitions (requests.go).
type spec struct {
	name       string // the wire name; "" for a rule
	kind       kind
	max        int // most characters of text, enum, time and url members; 0: no limit
	isRequired bool
	// requiredProblem, when set, replaces "is required" as the problem of
	// a required member that is missing.
	requiredProblem string
	values          []string // kindEnum: the accepted values
	holds           string   // kindJSONText: what the JSON text is, e.g. "the Order"
	// refused, for a flag, is the problem of a true value: the wallet does
	// not offer what the flag asks for.
	refused string
	// exclusive flags of one object choose a payment scenario: at most one
	// of them may be true.
	exclusive bool
	// scenario is the payment scenario an exclusive flag chooses; evaluation
	// marks the flag that turns the chosen scenario into an evaluation.
	scenario   engine.Scenario
	evaluation bool
	// callerPartner marks partnerId: when given it must be the partnerId of
	// the Client-Id that signed the request, else the answer is
	// ACCESS_DENIED.
	callerPartner bool
	// plainText marks text the engine refuses when it holds a control
	// character (its check runs after the whole body was read, so the
	// walker does not repeat it; the document states it as a pattern).
	plainText bool
	// feeds are the engine fields (engine.Field) the member's value
	// becomes: an engine PARAM_ILLEGAL about one is answered with the
	// member's dotted wire name. An amount feeds engine.FieldAmountCurrency
	// and engine.FieldAmountValue through its currency and value.
	feeds []engine.Field
	// doc is the member's description in the OpenAPI document.
	doc string
	// component names an object's (or a rule's) schema in the document's
	// components ("" inlines it); componentDoc is that schema's
	// description.
	component, componentDoc string
}

// member is one request member of a definition with where its value goes
// in the decode target T (payInput, engine.RefundRequest, engine.PaymentRef,
// engine.RefundRef). A member without a name is a rule: check runs at its
// place in the order, so the first problem found stays the one the
// decoder's order finds first.
type member[T any] struct {
	spec
	members []member[T] // kindObject, in the order they are read

	setText  func(*T, string)       // kindText, kindEnum, kindURL
	setFlag  func(*T, bool)         // kindFlag
	setMoney func(*T, engine.Money) // kindAmount
	setTime  func(*T, time.Time)    // kindTime
	setRaw   func(*T, []byte)       // kindJSONText; kindObject: the object as given

	// check is a rule's test, run with the object the rule belongs to
	// when nothing was found wrong before it.
	check func(o *object, t *T)
	// schema is a rule's JSON Schema, added to its object's allOf; nil
	// when the document says the rule in words only.
	schema func() map[string]any
}

// textMember is a string member of at most max characters (0: any).
func textMember[T any](name string, max int, set func(*T, string)) member[T] {
	return member[T]{spec: spec{name: name, kind: kindText, max: max}, setText: set}
}

// enumMember is a string member that must be one of values.
func enumMember[T any](name string, set func(*T, string), values ...string) member[T] {
	return member[T]{spec: spec{name: name, kind: kindEnum, max: maxEnumValue, values: values}, setText: set}
}

// flagMember is a boolean member.
func flagMember[T any](name string, set func(*T, bool)) member[T] {
	return member[T]{spec: spec{name: name, kind: kindFlag}, setFlag: set}
}

// objectMember is an object member read member by member; an absent
// object's members are not read.
func objectMember[T any](name string, members ...member[T]) member[T] {
	return member[T]{spec: spec{name: name, kind: kindObject}, members: members}
}

// amountMember is an Amount member.
func amountMember[T any](name string, set func(*T, engine.Money)) member[T] {
	return member[T]{spec: spec{name: name, kind: kindAmount}, setMoney: set}
}

// timeMember is an ISO 8601 date-time member.
func timeMember[T any](name string, set func(*T, time.Time)) member[T] {
	return member[T]{spec: spec{name: name, kind: kindTime, max: maxTimeText}, setTime: set}
}

// urlMember is an absolute http or https URL member of at most max
// characters.
func urlMember[T any](name string, max int, set func(*T, string)) member[T] {
	return member[T]{spec: spec{name: name, kind: kindURL, max: max}, setText: set}
}

// jsonTextMember is a string member holding a JSON text, what it holds
// named for messages (e.g. "the Order").
func jsonTextMember[T any](name, holds string, set func(*T, []byte)) member[T] {
	return member[T]{spec: spec{name: name, kind: kindJSONText, holds: holds}, setRaw: set}
}

// rule is a check of several members, run at its place in the order.
func rule[T any](check func(o *object, t *T), schema func() map[string]any) member[T] {
	return member[T]{check: check, schema: schema}
}

// required makes the member required: absent, null and "" are refused.
func (m member[T]) required() member[T] { m.isRequired = true; return m }

// requiredBecause makes the member required with problem as the message
// when it is missing.
func (m member[T]) requiredBecause(problem string) member[T] {
	m.isRequired, m.requiredProblem = true, problem
	return m
}

// refuse makes a true flag a problem.
func (m member[T]) refuse(problem string) member[T] { m.refused = problem; return m }

// plain marks text the engine refuses with control characters.
func (m member[T]) plain() member[T] { m.plainText = true; return m }

// feeding records the engine fields the member's value becomes.
func (m member[T]) feeding(fields ...engine.Field) member[T] { m.feeds = fields; return m }

// keeping hands an object's JSON, as given, to set.
func (m member[T]) keeping(set func(*T, []byte)) member[T] { m.setRaw = set; return m }

// describe sets the member's description in the document.
func (m member[T]) describe(doc string) member[T] { m.doc = doc; return m }

// named makes an object's (or a rule's) schema the document's component
// of that name, described by doc.
func (m member[T]) named(component, doc string) member[T] {
	m.component, m.componentDoc = component, doc
	return m
}

// fieldNames returns the dotted wire name of every engine field the
// members feed: the names an engine PARAM_ILLEGAL is answered with.
func fieldNames[T any](members []member[T]) map[engine.Field]string {
	names := map[engine.Field]string{}
	var walk func(path string, ms []member[T])
	walk = func(path string, ms []member[T]) {
		for _, m := range ms {
			if m.name == "" {
				continue
			}
			p := join(path, m.name)
			for _, f := range m.feeds {
				if m.kind == kindAmount {
					names[f] = join(p, amountMemberOf[f])
				} else {
					names[f] = p
				}
			}
			walk(p, m.members)
		}
	}
	walk("", members)
	return names
}
