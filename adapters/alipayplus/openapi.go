package alipayplus

import (
	"bytes"
	_ "embed" // the overlay
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// This file generates docs/openapi.json, the OpenAPI 3.1 description of
// the handler: request schemas from the request definitions (requests.go),
// answer schemas from the answer definitions over the wire structs
// (answers.go), result codes from the tables of codes.go, the
// transport's own answers from transportAnswers below, and the
// notifications the wallet sends as webhooks (webhooks.go). Prose that is not
// about shapes (info, operation texts, the "when" of each result code,
// examples, header parameters) is kept by hand in openapi/overlay.json,
// which names no member, type or limit. The golden test
// (openapi_test.go) regenerates the document and fails when the file
// differs; go test -run TestOpenAPIGolden -update rewrites it.

//go:embed openapi/overlay.json
var openAPIOverlay []byte

// openAPIOverlayText is the prose of the document (openapi/overlay.json).
type openAPIOverlayText struct {
	Info         *jsonObject       `json:"info"`
	Servers      []*jsonObject     `json:"servers"`
	Tags         []*jsonObject     `json:"tags"`
	ProfilesNote string            `json:"profilesNote"`  // ends the description of a /v1 operation
	AntomNote    string            `json:"antomPathNote"` // ends the description of an /ams/api operation; %s is the /v1 path
	CodesIntro   string            `json:"codesIntro"`    // heads the table of result codes
	RequestBody  string            `json:"requestBody"`   // describes every request body
	Answer       string            `json:"answer"`        // describes every HTTP 200 answer
	Codes        map[string]string `json:"codes"`         // when each code is answered, where no operation says otherwise
	Operations   map[string]struct {
		Summary         string            `json:"summary"`
		Description     string            `json:"description"`
		Codes           map[string]string `json:"codes"`
		RequestExamples *jsonObject       `json:"requestExamples"`
		AnswerExamples  *jsonObject       `json:"answerExamples"`
	} `json:"operations"`
	Parameters *jsonObject       `json:"parameters"`
	Headers    *jsonObject       `json:"headers"`
	Responses  map[string]string `json:"responses"` // the description of each transport answer
	Webhooks   map[string]struct {
		Summary     string `json:"summary"`
		Description string `json:"description"`
	} `json:"webhooks"`
	NotifyRequestBody      string      `json:"notifyRequestBody"`      // describes every notification body
	NotifyParameters       *jsonObject `json:"notifyParameters"`       // the headers a notification is sent with
	Acknowledgement        string      `json:"acknowledgement"`        // describes the merchant's acknowledgement
	AcknowledgementHeaders *jsonObject `json:"acknowledgementHeaders"` // the headers of a signed acknowledgement, by name
	NotAcknowledged        string      `json:"notAcknowledged"`        // describes any other answer
}

// overlayValues fills the placeholders of the overlay's prose with the
// defaults they name, so the prose states no limit of its own.
var overlayValues = strings.NewReplacer(
	"{DefaultMaxBodyBytes}", fmt.Sprintf("%d KiB", DefaultMaxBodyBytes>>10),
	"{DefaultMaxClockSkew}", durationWords(DefaultMaxClockSkew),
	"{DefaultCancelWindow}", durationWords(engine.DefaultCancelWindow),
	"{DefaultRefundWindow}", durationWords(engine.DefaultRefundWindow),
)

// durationWords writes a duration of whole days, hours or minutes as
// "365 days", "24 hours", "14 minutes" (the largest unit of which it is at
// least two), anything else as Go writes it.
func durationWords(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d >= 2*day && d%day == 0:
		return fmt.Sprintf("%d days", d/day)
	case d >= 2*time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d >= 2*time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// transportAnswerDoc is one kind of answer the transport writes itself.
type transportAnswerDoc struct {
	name    string // its name in components/responses
	status  int    // HTTP status
	result  string // result status
	codes   []string
	headers []string // components/headers beyond the signature's
}

// transportAnswers are the answers the transport (transport.go) writes
// itself, by HTTP status, with their result status and codes and the
// headers they add.
var transportAnswers = []transportAnswerDoc{
	{"BadRequest", http.StatusBadRequest, wire.StatusFail, []string{wire.CodeParamIllegal}, nil},
	{"Unauthorized", http.StatusUnauthorized, wire.StatusFail, []string{wire.CodeInvalidClient, wire.CodeClientInvalid, wire.CodeInvalidSignature, wire.CodeKeyNotFound}, []string{"WWW-Authenticate"}},
	{"NoInterfaceDef", http.StatusNotFound, wire.StatusFail, []string{wire.CodeNoInterfaceDef}, nil},
	{"MethodNotSupported", http.StatusMethodNotAllowed, wire.StatusFail, []string{wire.CodeMethodNotSupported}, []string{"Allow"}},
	{"PayloadTooLarge", http.StatusRequestEntityTooLarge, wire.StatusFail, []string{wire.CodeParamIllegal}, nil},
	{"MediaTypeNotAcceptable", http.StatusUnsupportedMediaType, wire.StatusFail, []string{wire.CodeMediaTypeNotAcceptable}, nil},
	{"TooManyRequests", http.StatusTooManyRequests, wire.StatusUnknown, []string{wire.CodeRequestTrafficExceedLimit}, nil},
	{"UnknownException", http.StatusInternalServerError, wire.StatusUnknown, []string{wire.CodeUnknownException}, nil},
	{"Busy", http.StatusServiceUnavailable, wire.StatusUnknown, []string{wire.CodeUnknownException}, nil},
}

// signatureHeaders are the headers every answer carries, as named in
// components/headers.
var signatureHeaders = []string{"Client-Id", "Response-Time", "Signature"}

// Patterns of the document's scalar schemas.
const (
	noControlPattern = `^[^\x00-\x1F\x7F]*$`
	dateTimeBody     = `[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]`
	offsetPattern    = `(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])`
	urlPattern       = `^([Hh][Tt][Tt][Pp][Ss]?://[^/?#@]+([/?#].*)?)?$`
)

// openAPIDocument returns docs/openapi.json as the definitions, the wire
// structs, the code tables and the overlay make it.
func openAPIDocument() ([]byte, error) {
	var ov openAPIOverlayText
	text := overlayValues.Replace(string(openAPIOverlay))
	if i := strings.Index(text, "{Default"); i >= 0 {
		return nil, fmt.Errorf("openapi/overlay.json: unknown placeholder at %q", text[i:min(len(text), i+40)])
	}
	if err := json.Unmarshal([]byte(text), &ov); err != nil {
		return nil, fmt.Errorf("openapi/overlay.json: %w", err)
	}
	b := &docBuilder{ov: &ov, schemas: map[string]*component{}}
	b.kindComponents()
	paths := obj()
	for _, prefix := range []string{wire.PathPrefix, wire.AntomPathPrefix} {
		for _, e := range endpoints {
			paths.set(prefix+e.name, obj("post", b.operation(prefix, e.name)))
		}
	}
	webhooks := b.webhooks()
	b.transportComponents()
	parameters, headers := b.notifyComponents()
	b.checkCarried()
	if b.err != nil {
		return nil, b.err
	}
	schemas := obj()
	for g := range groupCount {
		for _, name := range b.order {
			if c := b.schemas[name]; c.group == g {
				schemas.set(name, c.schema)
			}
		}
	}
	responses := obj()
	for _, t := range transportAnswers {
		responses.set(t.name, b.transportResponse(t.name))
	}
	doc := obj(
		"openapi", "3.1.0",
		"jsonSchemaDialect", "https://json-schema.org/draft/2020-12/schema",
		"info", ov.Info,
		"servers", ov.Servers,
		"tags", ov.Tags,
		"paths", paths,
		"webhooks", webhooks,
		"components", obj(
			"schemas", schemas,
			"parameters", parameters,
			"headers", headers,
			"responses", responses,
		),
	)
	if b.err != nil {
		return nil, b.err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Groups order components/schemas: the kinds' schemas, then the requests'
// (their parts first), the results', the answers' (their parts first), the
// transport's and the notifications' (their parts first).
const (
	groupKinds        = iota
	groupRequestParts // nested objects and rules of requests
	groupRequests
	groupResults
	groupAnswerParts // nested objects of answers
	groupAnswers
	groupTransport
	groupNotifyParts // nested objects of notifications
	groupNotify      // notifications and their acknowledgement
	groupCount
)

// component is a schema of components/schemas.
type component struct {
	group  int
	schema *jsonObject
}

// docBuilder collects the components while the paths are built.
type docBuilder struct {
	ov      *openAPIOverlayText
	schemas map[string]*component
	order   []string                         // schema names in the order they were first added
	seen    map[reflect.Type]map[string]bool // answer struct fields some answer carries
	err     error
}

func (b *docBuilder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf("openapi: "+format, args...)
	}
}

// ref returns the reference to components/schemas/name.
func ref(name string) string { return "#/components/schemas/" + name }

// add makes schema the component name and returns its reference. Two
// definitions may share a component only when they describe it alike.
func (b *docBuilder) add(group int, name string, schema *jsonObject) string {
	if c, ok := b.schemas[name]; ok {
		x, _ := json.Marshal(c.schema)
		y, _ := json.Marshal(schema)
		if !bytes.Equal(x, y) {
			b.fail("two definitions describe component %s differently:\n%s\n%s", name, x, y)
		}
		return ref(name)
	}
	b.schemas[name] = &component{group: group, schema: schema}
	b.order = append(b.order, name)
	return ref(name)
}

// kindComponents adds the schemas of the request kinds and of Amount.
func (b *docBuilder) kindComponents() {
	b.add(groupKinds, "Flag", obj(
		"description", "A boolean request flag: JSON `true`/`false`, or the strings `\"true\"`/`\"false\"` (Antom sends every scalar as a string). Absent or null means false.",
		"enum", []any{true, false, "true", "false", nil}))
	b.add(groupKinds, "UnsupportedFlag", obj(
		"description", "A flag this wallet does not support: it may only be absent, null or false.",
		"enum", []any{false, "false", nil}))
	b.add(groupKinds, "DateTimeInput", obj(
		"description", fmt.Sprintf("An ISO 8601 date-time with seconds, optional fraction and a UTC offset (`Z` or `+hh:mm`), e.g. `2020-06-08T12:12:12+08:00`; at most %d characters. Absent, null or \"\" means not given.", maxTimeText),
		"type", []any{"string", "null"},
		"maxLength", maxTimeText,
		"pattern", "^("+dateTimeBody+`(\.[0-9]+)?`+offsetPattern+")?$"))
	b.add(groupKinds, "DateTime", obj(
		"description", "An ISO 8601 date-time as the wallet writes it: second precision with the UTC offset, e.g. `2026-05-06T07:08:09Z`.",
		"type", "string",
		"pattern", "^"+dateTimeBody+offsetPattern+"$"))
	var urls []int
	for _, r := range requestShapes() {
		walkShapes(r.members, func(m shape) {
			if m.kind == kindURL && !slices.Contains(urls, m.max) {
				urls = append(urls, m.max)
			}
		})
	}
	slices.Sort(urls)
	for _, n := range urls {
		b.add(groupKinds, urlComponent(n), obj(
			"description", fmt.Sprintf("An absolute `http` or `https` URL with a host and no user information, at most %d characters. Absent, null or \"\" means not given.", n),
			"type", []any{"string", "null"},
			"maxLength", n,
			"pattern", urlPattern))
	}
	b.add(groupKinds, "Currency", obj(
		"description", "ISO 4217 alphabetic currency code, upper case, e.g. `USD`. The wallet takes only codes of its ISO 4217 table (and, when configured, only some of them: `CURRENCY_NOT_SUPPORT`).",
		"type", "string",
		"pattern", fmt.Sprintf("^[A-Z]{%d}$", maxCurrency)))
	b.add(groupKinds, "AmountValue", obj(
		"description", fmt.Sprintf("A positive whole number of the currency's minor units as a decimal string: 1 to %d ASCII digits, no sign, no leading zero, no decimal point (USD `\"1050\"` is 10.50 USD, JPY `\"1\"` is 1 yen).", engine.MaxAmountDigits),
		"type", "string",
		"pattern", fmt.Sprintf("^[1-9][0-9]{0,%d}$", engine.MaxAmountDigits-1)))
	b.add(groupKinds, "AmountInput", obj(
		"description", "An Amount in a request (members besides these two are ignored).",
		"type", []any{"object", "null"},
		"required", []any{amountCurrency, amountValue},
		"properties", obj(amountCurrency, obj("$ref", ref("Currency")), amountValue, obj("$ref", ref("AmountValue"))),
	))
	b.add(groupKinds, "Amount", b.answerObject("An Amount in an answer.", answerOf[wire.Amount](
		is(func(a *wire.Amount) any { return &a.Currency }, obj("$ref", ref("Currency"))),
		is(func(a *wire.Amount) any { return &a.Value }, obj("$ref", ref("AmountValue"))),
	)))
}

func urlComponent(max int) string { return "Url" + strconv.Itoa(max) }

// walkShapes calls f for every member of ms, nested ones included.
func walkShapes(ms []shape, f func(shape)) {
	for _, m := range ms {
		f(m)
		walkShapes(m.members, f)
	}
}

// requestSchema adds the schema of a request definition and returns its
// reference.
func (b *docBuilder) requestSchema(r requestShape) string {
	s := obj("title", r.title, "description", r.doc)
	b.objectBody(s, r.members, false)
	return b.add(groupRequests, r.schema, s)
}

// objectBody sets the type, required list, properties and rules of an
// object's schema.
func (b *docBuilder) objectBody(s *jsonObject, members []shape, nullable bool) {
	if nullable {
		s.set("type", []any{"object", "null"})
	} else {
		s.set("type", "object")
	}
	var required, exclusive []any
	props := obj()
	for _, m := range members {
		if m.name == "" {
			continue
		}
		if m.isRequired {
			required = append(required, m.name)
		}
		if m.exclusive {
			exclusive = append(exclusive, m.name)
		}
		props.set(m.name, b.memberSchema(m))
	}
	if len(required) > 0 {
		s.set("required", required)
	}
	if len(props.keys) > 0 {
		s.set("properties", props)
	}
	if len(exclusive) > 1 { // at most one may be true
		var pairs []any
		for i, x := range exclusive {
			for _, y := range exclusive[i+1:] {
				pairs = append(pairs, obj(
					"type", "object",
					"required", []any{x, y},
					"properties", obj(x.(string), trueFlag(), y.(string), trueFlag())))
			}
		}
		s.set("not", obj("anyOf", pairs))
	}
	var allOf []any
	for _, m := range members {
		if m.name != "" || m.rule == nil {
			continue
		}
		rs := toObject(m.rule())
		if m.component != "" {
			rs = obj("description", m.componentDoc).merge(rs)
			allOf = append(allOf, obj("$ref", b.add(groupRequestParts, m.component, rs)))
			continue
		}
		for _, k := range rs.keys {
			if _, dup := s.values[k]; dup {
				b.fail("rule member %q clashes with the object's schema", k)
			}
		}
		s.merge(rs)
	}
	if len(allOf) > 0 {
		s.set("allOf", allOf)
	}
}

// memberSchema is the schema of one request member.
func (b *docBuilder) memberSchema(m shape) *jsonObject {
	s := obj()
	switch m.kind {
	case kindText:
		s.merge(textType(m.isRequired))
		if m.max > 0 {
			s.set("maxLength", m.max)
		}
		if m.plainText {
			s.set("pattern", noControlPattern)
		}
	case kindEnum:
		values := make([]any, len(m.values))
		for i, v := range m.values {
			values[i] = v
		}
		if m.isRequired {
			s.set("type", "string").set("enum", values)
		} else {
			s.set("type", []any{"string", "null"}).set("enum", append(values, "", nil))
		}
	case kindFlag:
		if m.refused != "" {
			s.set("$ref", ref("UnsupportedFlag"))
		} else {
			s.set("$ref", ref("Flag"))
		}
	case kindObject:
		if m.component == "" {
			b.objectBody(s, m.members, !m.isRequired)
			break
		}
		c := obj("description", m.componentDoc)
		b.objectBody(c, m.members, true)
		s.set("$ref", b.add(groupRequestParts, m.component, c))
		if m.isRequired {
			s.set("type", "object")
		}
	case kindAmount:
		s.set("$ref", ref("AmountInput"))
		if m.isRequired {
			s.set("type", "object")
		}
	case kindTime, kindURL:
		name := "DateTimeInput"
		if m.kind == kindURL {
			name = urlComponent(m.max)
		}
		s.set("$ref", ref(name))
		if m.isRequired {
			s.merge(textType(true))
		}
	case kindJSONText:
		s.merge(textType(m.isRequired)).set("contentMediaType", "application/json")
	default:
		b.fail("member %s: unknown kind %d", m.name, m.kind)
	}
	return s.set("description", m.doc)
}

// textType is the type of a text member: a non-empty string when required,
// else a string or null ("" meaning not given).
func textType(required bool) *jsonObject {
	if required {
		return obj("type", "string", "minLength", 1)
	}
	return obj("type", []any{"string", "null"})
}

// operation builds the POST operation of one path.
func (b *docBuilder) operation(prefix, name string) *jsonObject {
	op, ok := b.ov.Operations[name]
	if !ok {
		b.fail("overlay: no operation %s", name)
		return obj()
	}
	antom := prefix == wire.AntomPathPrefix
	profs := profiles
	id, summary, note := name, op.Summary, b.ov.ProfilesNote
	if antom {
		profs = []Profile{ProfileAntom}
		id = "ams" + strings.ToUpper(name[:1]) + name[1:]
		summary += " (antom)"
		note = fmt.Sprintf(b.ov.AntomNote, wire.PathPrefix+name)
	}
	xp := obj()
	var requests, answers []any
	for _, prof := range profs {
		req, ok := requestShapeOf(name, prof)
		if !ok {
			b.fail("%s: no request definition for profile %s", name, prof)
			continue
		}
		reqRef := b.requestSchema(req)
		ansRef := b.answerSchema(name, prof)
		xp.set(string(prof), obj("request", reqRef, "response", ansRef))
		requests = appendRef(requests, reqRef)
		answers = appendRef(answers, ansRef)
	}
	params := make([]any, 0, len(b.ov.Parameters.keys))
	for _, p := range b.ov.Parameters.keys {
		params = append(params, obj("$ref", "#/components/parameters/"+p))
	}
	responses := obj("200", obj(
		"description", b.ov.Answer,
		"headers", headerRefs(signatureHeaders),
		"content", obj("application/json", obj(
			"schema", oneSchema(answers),
			"examples", examplesFor(op.AnswerExamples, antom)))))
	for _, t := range transportAnswers {
		if t.status == http.StatusNotFound && !antom {
			continue // the /v1 paths exist for every partner
		}
		responses.set(strconv.Itoa(t.status), obj("$ref", "#/components/responses/"+t.name))
	}
	return obj(
		"operationId", id,
		"tags", []any{b.tagName()},
		"summary", summary,
		"description", op.Description+"\n\n"+note+"\n\n"+b.codesTable(name, op.Codes),
		"x-profiles", xp,
		"parameters", params,
		"requestBody", obj(
			"required", true,
			"description", b.ov.RequestBody,
			"content", obj("application/json", obj(
				"schema", oneSchema(requests),
				"examples", examplesFor(op.RequestExamples, antom)))),
		"responses", responses,
	)
}

func (b *docBuilder) tagName() string {
	if len(b.ov.Tags) == 0 {
		b.fail("overlay: no tags")
		return ""
	}
	name, _ := b.ov.Tags[0].values["name"].(string)
	return name
}

// requestShapeOf returns the shape of the body endpoint reads in a
// profile.
func requestShapeOf(endpoint string, prof Profile) (requestShape, bool) {
	for _, r := range requestShapes() {
		if r.endpoint == endpoint && r.profile == prof {
			return r, true
		}
	}
	return requestShape{}, false
}

func appendRef(refs []any, r string) []any {
	if slices.Contains(refs, any(r)) {
		return refs
	}
	return append(refs, r)
}

// oneSchema refers to the only schema of refs, or to any of them.
func oneSchema(refs []any) *jsonObject {
	if len(refs) == 1 {
		return obj("$ref", refs[0])
	}
	any := make([]any, len(refs))
	for i, r := range refs {
		any[i] = obj("$ref", r)
	}
	return obj("anyOf", any)
}

func headerRefs(names []string) *jsonObject {
	h := obj()
	for _, n := range names {
		h.set(n, obj("$ref", "#/components/headers/"+strings.ReplaceAll(n, "-", "")))
	}
	return h
}

// examplesFor returns the overlay's examples that apply to a path: on an
// /ams/api path, those of the antom profile and those of every profile.
// The overlay's "profile" member is not part of the document.
func examplesFor(examples *jsonObject, antom bool) *jsonObject {
	if examples == nil {
		return nil
	}
	out := obj()
	for _, k := range examples.keys {
		e, _ := examples.values[k].(*jsonObject)
		if e == nil {
			continue
		}
		prof, _ := e.values["profile"].(string)
		if antom && prof != "" && prof != string(ProfileAntom) {
			continue
		}
		out.set(k, e.without("profile"))
	}
	if len(out.keys) == 0 {
		return nil
	}
	return out
}

// codesTable is the Markdown table of the result codes endpoint name
// answers with HTTP 200 (codes.go), with the overlay's "when" of each.
func (b *docBuilder) codesTable(name string, when map[string]string) string {
	var sb strings.Builder
	sb.WriteString(b.ov.CodesIntro + "\n\n| status | resultCode | when |\n|---|---|---|")
	codes := endpointCodes(apiNamed(name))
	for _, code := range codes {
		w, ok := when[code]
		if !ok {
			w, ok = b.ov.Codes[code]
		}
		if !ok {
			b.fail("overlay: %s answers %s, the overlay does not say when", name, code)
		}
		fmt.Fprintf(&sb, "\n| %s | `%s` | %s |", statusOf(code), code, w)
	}
	for code := range when {
		if !slices.Contains(codes, code) {
			b.fail("overlay: %s says when %s is answered, codes.go does not answer it", name, code)
		}
	}
	return sb.String()
}

// transportComponents adds the schema of the transport's answers.
func (b *docBuilder) transportComponents() {
	b.add(groupTransport, "TransportAnswer", b.answerObject(
		"The answer of the transport itself: a request refused before an endpoint ran, or an internal failure.",
		answerOf[transportAnswer](is(func(a *transportAnswer) any { return &a.Result }, obj("$ref", ref("Result"))))))
}

// transportResponse is components/responses/name.
func (b *docBuilder) transportResponse(name string) *jsonObject {
	i := slices.IndexFunc(transportAnswers, func(t transportAnswerDoc) bool { return t.name == name })
	t := transportAnswers[i]
	desc, ok := b.ov.Responses[name]
	if !ok {
		b.fail("overlay: no description of the transport answer %s", name)
	}
	code := obj("const", t.codes[0])
	if len(t.codes) > 1 {
		code = obj("enum", toAnys(t.codes))
	}
	resultField := jsonNameOf(func(a *transportAnswer) any { return &a.Result })
	return obj(
		"description", desc,
		"headers", headerRefs(append(slices.Clone(signatureHeaders), t.headers...)),
		"content", obj("application/json", obj("schema", obj("allOf", []any{
			obj("$ref", ref("TransportAnswer")),
			obj("properties", obj(resultField, obj("properties", obj(
				resultStatusName(), obj("const", t.result),
				resultCodeName(), code)))),
		}))),
	)
}

func toAnys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// authCodeSchema is the JSON Schema of chooseScenario: a scenario flag
// whose scenario needs an auth code, unless evaluated only, requires
// paymentAuthCode.
func authCodeSchema() map[string]any {
	var needs []any
	evaluation := ""
	for _, m := range scenarioFactor.members {
		switch {
		case m.exclusive && m.scenario.NeedsAuthCode():
			needs = append(needs, map[string]any{"required": []any{m.name}, "properties": map[string]any{m.name: trueFlag()}})
		case m.evaluation:
			evaluation = m.name
		}
	}
	return map[string]any{
		"if": obj(
			"required", []any{scenarioFactor.name},
			"properties", obj(scenarioFactor.name, obj(
				"type", "object",
				"anyOf", needs,
				"not", obj("required", []any{evaluation}, "properties", obj(evaluation, trueFlag())),
			)),
		),
		"then": obj(
			"required", []any{payAuthCode.name},
			"properties", obj(payAuthCode.name, textType(true)),
		),
	}
}

// eitherSchema is the JSON Schema of eitherMember: a or b is a non-empty
// string.
func eitherSchema(a, b string) map[string]any {
	return map[string]any{"anyOf": []any{
		obj("required", []any{a}, "properties", obj(a, textType(true))),
		obj("required", []any{b}, "properties", obj(b, textType(true))),
	}}
}

func trueFlag() *jsonObject { return obj("enum", []any{true, "true"}) }

// toObject orders a rule's schema: "if", "then", "else" and "anyOf" in
// that order, other members after them by name.
func toObject(m map[string]any) *jsonObject {
	o := obj()
	for _, k := range []string{"if", "then", "else", "anyOf"} {
		if v, ok := m[k]; ok {
			o.set(k, v)
		}
	}
	var rest []string
	for k := range m {
		if _, done := o.values[k]; !done {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		o.set(k, m[k])
	}
	return o
}

// authorizationSchema is the JSON Schema of authorizationRule: in
// paymentFactor the authorization flag is not true together with the
// order-code flag or the evaluation flag.
func authorizationSchema() map[string]any {
	var with []any
	for _, m := range scenarioFactor.members {
		if (m.exclusive && m.scenario == engine.ScenarioOrderCode) || m.evaluation {
			with = append(with, obj("required", []any{m.name}, "properties", obj(m.name, trueFlag())))
		}
	}
	flag := authorizationFlag.name
	return map[string]any{"not": obj(
		"required", []any{scenarioFactor.name},
		"properties", obj(scenarioFactor.name, obj(
			"type", "object",
			"required", []any{flag},
			"properties", obj(flag, trueFlag()),
			"anyOf", with,
		)),
	)}
}

// antomAuthorizationSchema is the JSON Schema of antomAuthorizationRule:
// captureMode MANUAL requires isAuthorization true.
func antomAuthorizationSchema() map[string]any {
	mode, flag := antomCaptureMode.name, antomAuthorizationFlag.name
	return map[string]any{
		"if":   obj("required", []any{mode}, "properties", obj(mode, obj("const", wire.CaptureModeManual))),
		"then": obj("required", []any{flag}, "properties", obj(flag, trueFlag())),
	}
}
