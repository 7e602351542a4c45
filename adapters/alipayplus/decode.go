package alipayplus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// Lengths the request primitives themselves fix (the Alipay+ field
// tables); every other limit is a member's, in its definition
// (requests.go).
const (
	maxEnumValue   = 32         // an enum member's text, e.g. inStorePaymentScenario
	maxTimeText    = 64         // a date-time member's text
	maxCurrency    = 3          // an ISO 4217 alphabetic code
	noLimit        = -1         // str: any length
	amountCurrency = "currency" // the Amount object's members
	amountValue    = "value"
)

// amountMemberOf names the Amount member each engine amount field comes
// from.
var amountMemberOf = map[engine.Field]string{
	engine.FieldAmountCurrency: amountCurrency,
	engine.FieldAmountValue:    amountValue,
}

// fieldError is one PARAM_ILLEGAL finding: the wire field (dotted path, ""
// for the body as a whole) and what is wrong with it.
type fieldError struct {
	field   string
	problem string
	// unparsed marks a body that is not one JSON object in UTF-8 (empty,
	// not JSON, not an object, data after it): no member could be read.
	unparsed bool
}

// message returns the resultMessage: the field, then the problem.
func (e *fieldError) message() string { return fieldMessage(e.field, e.problem) }

// fieldMessage joins a field name and a problem into one sentence:
// "paymentRequestId is required", "paymentAmount.value: value "-1" must
// be ...". The result is cut to the 256 characters resultMessage allows.
func fieldMessage(field, problem string) string {
	var s string
	switch {
	case field == "":
		s = problem
	case startsWithVerb(problem):
		s = field + " " + problem
	default:
		s = field + ": " + problem
	}
	return wire.Truncate(s, wire.MaxResultMessage)
}

func startsWithVerb(s string) bool {
	for _, p := range []string{"is ", "must ", "has ", "contains ", "or ", "cannot "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// decoder reads one request body field by field and keeps the first
// problem it finds; once it has one, every further read returns a zero
// value. The walker (decodeRequest) reads the fields in the order of the
// request's definition (requests.go), which is the order of the spec's
// tables, and stops at the first problem.
type decoder struct {
	err *fieldError
}

// object is one JSON object of the body with the dotted wire path of its
// fields. An absent object (present false) has no fields: every read of an
// optional field returns the zero value.
type object struct {
	d       *decoder
	path    string
	present bool
	raw     json.RawMessage
	fields  map[string]json.RawMessage
}

// decodeBody parses body, which must be one JSON object in valid UTF-8
// with no member given twice. A body that is not is the decoder's first
// problem (no field named).
func decodeBody(body []byte) (*decoder, *object) {
	d := &decoder{}
	root := &object{d: d}
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		d.err = &fieldError{problem: "request body is empty: a JSON object is required", unparsed: true}
	case !utf8.Valid(body):
		d.err = &fieldError{problem: "request body is not valid UTF-8", unparsed: true}
	default:
		root.fields = d.parseObject("", body)
		root.present = d.err == nil
		root.raw = body
	}
	return d, root
}

// parseObject splits the JSON object raw into its members. path names the
// object in messages ("" for the body).
func (d *decoder) parseObject(path string, raw []byte) map[string]json.RawMessage {
	body := path == "" // problems of the body as a whole are unparsed
	malformed := func(err error) map[string]json.RawMessage {
		what := "request body"
		if path != "" {
			what = path
		}
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &syn):
			d.fail(&fieldError{problem: fmt.Sprintf("%s is not valid JSON: %s (at byte %d)", what, syn.Error(), syn.Offset), unparsed: body})
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			d.fail(&fieldError{problem: what + " is not valid JSON: unexpected end of input", unparsed: body})
		default:
			d.fail(&fieldError{problem: what + " is not valid JSON", unparsed: body})
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return malformed(err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		if path == "" {
			d.fail(&fieldError{problem: "request body must be a JSON object", unparsed: true})
		} else {
			d.fail(&fieldError{field: path, problem: "must be a JSON object"})
		}
		return nil
	}
	fields := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return malformed(err)
		}
		key, ok := tok.(string)
		if !ok { // cannot happen: the decoder only yields string keys here
			return malformed(errors.New("object key is not a string"))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return malformed(err)
		}
		if _, dup := fields[key]; dup {
			d.fail(&fieldError{field: join(path, key), problem: "is given more than once"})
			return nil
		}
		fields[key] = v
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return malformed(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return malformed(err)
		}
		what := "request body"
		if path != "" {
			what = path
		}
		d.fail(&fieldError{problem: what + " has data after its JSON object", unparsed: body})
		return nil
	}
	return fields
}

func (d *decoder) fail(e *fieldError) {
	if d.err == nil {
		d.err = e
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// name returns the wire name of the member key of o.
func (o *object) name(key string) string { return join(o.path, key) }

// fail records a problem with member key of o.
func (o *object) fail(key, format string, args ...any) {
	o.d.fail(&fieldError{field: o.name(key), problem: fmt.Sprintf(format, args...)})
}

// value returns member key when it is present and not null, and the
// decoder has no problem yet.
func (o *object) value(key string) (json.RawMessage, bool) {
	if o.d.err != nil || o.fields == nil {
		return nil, false
	}
	v, ok := o.fields[key]
	if !ok || string(v) == "null" {
		return nil, false
	}
	return v, true
}

// str reads a string member of at most max characters (noLimit: any).
// Absent, null and "" all read as "": an error when required.
func (o *object) str(key string, max int, required bool) string {
	v, ok := o.value(key)
	if !ok {
		if required && o.d.err == nil {
			o.fail(key, "is required")
		}
		return ""
	}
	if v[0] != '"' {
		o.fail(key, "must be a JSON string, got %s", jsonKind(v))
		return ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil { // cannot happen: the decoder validated it
		o.fail(key, "is not a valid JSON string")
		return ""
	}
	if s == "" {
		if required {
			o.fail(key, "is required and must not be empty")
		}
		return ""
	}
	if max != noLimit {
		if n := utf8.RuneCountInString(s); n > max {
			o.fail(key, "is %d characters long, at most %d allowed", n, max)
			return ""
		}
	}
	return s
}

// oneOf reads an optional string member that must be one of allowed when
// present.
func (o *object) oneOf(key string, required bool, allowed ...string) string {
	s := o.str(key, maxEnumValue, required)
	if s == "" {
		return ""
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	o.fail(key, "must be %s, got %s", orList(allowed), strconv.Quote(s))
	return ""
}

func orList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// boolean reads an optional boolean member: JSON true/false or the strings
// "true"/"false" (Antom sends every scalar as a string). Absent is false.
func (o *object) boolean(key string) bool {
	v, ok := o.value(key)
	if !ok {
		return false
	}
	switch string(v) {
	case "true", `"true"`:
		return true
	case "false", `"false"`:
		return false
	}
	o.fail(key, "must be true or false, got %s", jsonKind(v))
	return false
}

// object reads an object member; absent (or null) it is an object with no
// fields, an error when required.
func (o *object) object(key string, required bool) *object {
	sub := &object{d: o.d, path: o.name(key)}
	v, ok := o.value(key)
	if !ok {
		if required && o.d.err == nil {
			o.fail(key, "is required")
		}
		return sub
	}
	if v[0] != '{' {
		o.fail(key, "must be a JSON object, got %s", jsonKind(v))
		return sub
	}
	sub.fields = o.d.parseObject(sub.path, v)
	sub.present = o.d.err == nil
	sub.raw = v
	return sub
}

// amount reads an Amount member ({"currency": "USD", "value": "1050"}):
// an ISO 4217 currency and a positive whole number of minor units of at
// most 16 digits, both JSON strings.
func (o *object) amount(key string, required bool) engine.Money {
	a := o.object(key, required)
	if !a.present {
		return engine.Money{}
	}
	cur := a.str(amountCurrency, maxCurrency, true)
	val := a.str(amountValue, noLimit, true)
	if o.d.err != nil {
		return engine.Money{}
	}
	m, err := engine.ParseMoney(cur, val)
	if err != nil {
		o.d.fail(engineFieldError(err, map[engine.Field]string{
			engine.FieldAmountCurrency: a.name(amountCurrency),
			engine.FieldAmountValue:    a.name(amountValue),
		}))
		return engine.Money{}
	}
	return m
}

// timestamp reads an ISO 8601 date-time member with a UTC offset, e.g.
// "2020-06-08T12:12:12+08:00" or "2020-06-08T04:12:12.5Z".
func (o *object) timestamp(key string, required bool) time.Time {
	s := o.str(key, maxTimeText, required)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		o.fail(key, "must be an ISO 8601 date-time with a UTC offset (e.g. \"2020-06-08T12:12:12+08:00\"), got %s", quoteShort(s))
		return time.Time{}
	}
	if !t.After(time.Time{}) { // 0001-01-01T00:00:00Z would read as absent downstream
		o.fail(key, "must be after 0001-01-01T00:00:00Z, got %s", quoteShort(s))
		return time.Time{}
	}
	return t
}

// link reads a URL member of at most max characters: an absolute http or
// https URL with a host (the wallet sends notifications to it or sends the
// user there).
func (o *object) link(key string, max int, required bool) string {
	s := o.str(key, max, required)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		o.fail(key, "must be an absolute http or https URL, got %s", quoteShort(s))
		return ""
	}
	return s
}

// jsonKind names the JSON type of a raw value for messages.
func jsonKind(v json.RawMessage) string {
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// quoteShort quotes s for a message, cut to a readable length.
func quoteShort(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return strconv.Quote(s)
	}
	return strconv.Quote(string([]rune(s)[:max])) + "..."
}

// wireName returns the wire name names gives the engine field f; an
// unmapped field keeps its engine name.
func wireName(names map[engine.Field]string, f engine.Field) string {
	if w, ok := names[f]; ok {
		return w
	}
	return string(f)
}

// engineFieldError turns an engine CodeParamIllegal error into a
// fieldError, its engine field (e.g. engine.FieldAmountValue) replaced by
// its wire name.
func engineFieldError(err error, names map[engine.Field]string) *fieldError {
	var e *engine.Error
	if !errors.As(err, &e) {
		return &fieldError{problem: "illegal parameter"}
	}
	field := wireName(names, e.Field)
	problem := e.Message
	if problem == "" {
		problem = "is illegal"
	}
	return &fieldError{field: field, problem: problem}
}

// profileOf returns the wire profile of a partner ("" is the default,
// ProfileMiniProgramV1).
func profileOf(p *Partner) Profile {
	if p.Profile == "" {
		return ProfileMiniProgramV1
	}
	return p.Profile
}

// decodeRequest reads body by the members of a request definition for a
// call signed by partnerID and returns the decoded target. problem is the
// first problem found, in the members' order (nil when none); denied
// reports a partnerId that is not partnerID (answered ACCESS_DENIED, the
// rest of the body unread).
func decodeRequest[T any](members []member[T], body []byte, partnerID string) (t T, problem *fieldError, denied bool) {
	d, root := decodeBody(body)
	w := &walker[T]{t: &t, partnerID: partnerID}
	if d.err == nil {
		w.walk(root, members)
	}
	return t, d.err, w.denied
}

// walker reads the members of one request into its target.
type walker[T any] struct {
	t         *T
	partnerID string
	denied    bool
}

// walk reads the members of o in order and stops at the first problem.
func (w *walker[T]) walk(o *object, members []member[T]) {
	chosen := "" // the exclusive flag of o that is true
	for i := range members {
		if o.d.err != nil || w.denied {
			return
		}
		m := &members[i]
		if m.name == "" {
			m.check(o, w.t)
			continue
		}
		w.read(o, m, &chosen)
	}
}

// read reads member m of o with the primitive of its kind and hands the
// value to its setter.
func (w *walker[T]) read(o *object, m *member[T], chosen *string) {
	switch m.kind {
	case kindText:
		max := m.max
		if max == 0 {
			max = noLimit
		}
		s := o.str(m.name, max, m.isRequired)
		if m.callerPartner && o.d.err == nil && s != "" && s != w.partnerID {
			w.denied = true
			return
		}
		if m.setText != nil {
			m.setText(w.t, s)
		}
	case kindEnum:
		s := o.oneOf(m.name, m.isRequired, m.values...)
		if m.setText != nil {
			m.setText(w.t, s)
		}
	case kindFlag:
		on := o.boolean(m.name)
		if on && m.refused != "" {
			o.fail(m.name, "%s", m.refused)
			return
		}
		if on && m.exclusive {
			if *chosen != "" {
				o.fail(m.name, "cannot be true together with %s: choose one payment scenario", *chosen)
				return
			}
			*chosen = m.name
		}
		if m.setFlag != nil {
			m.setFlag(w.t, on)
		}
	case kindObject:
		sub := o.object(m.name, m.isRequired && m.requiredProblem == "")
		if !sub.present {
			if m.isRequired && o.d.err == nil {
				o.fail(m.name, "%s", m.requiredProblem)
			}
			return
		}
		w.walk(sub, m.members)
		if m.setRaw != nil {
			m.setRaw(w.t, []byte(sub.raw))
		}
	case kindAmount:
		money := o.amount(m.name, m.isRequired)
		if m.setMoney != nil {
			m.setMoney(w.t, money)
		}
	case kindTime:
		t := o.timestamp(m.name, m.isRequired)
		if m.setTime != nil {
			m.setTime(w.t, t)
		}
	case kindURL:
		s := o.link(m.name, m.max, m.isRequired)
		if m.setText != nil {
			m.setText(w.t, s)
		}
	case kindJSONText:
		s := o.str(m.name, noLimit, m.isRequired)
		if s == "" {
			return
		}
		if !json.Valid([]byte(s)) {
			o.fail(m.name, "must be a JSON string holding %s as JSON", m.holds)
			return
		}
		if m.setRaw != nil {
			m.setRaw(w.t, []byte(s))
		}
	}
}

// givenText reports whether member key of o is a non-empty string (read
// without a problem before).
func (o *object) givenText(key string) bool {
	v, ok := o.value(key)
	return ok && string(v) != `""`
}
