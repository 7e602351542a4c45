package alipayplus

import "context"

// call is one verified request, handed to an endpoint by the transport
// (handler.go) after the method, path, media type, size, Client-Id,
// Request-Time and Signature were checked.
type call struct {
	ctx     context.Context
	partner *Partner // the partner whose Client-Id signed the request
	path    string   // the request path, e.g. "/v1/payments/pay"
	body    []byte   // the raw JSON body
}

// endpoint turns a verified call into the answer body: any value that
// marshals to a JSON object with a "result" member (see Result). It never
// panics on bad input: malformed JSON, wrong types, missing or oversized
// fields become F PARAM_ILLEGAL naming the field; engine errors map to the
// spec's codes (codes.go); anything unexpected is U UNKNOWN_EXCEPTION.
type endpoint func(h *Handler, c *call) any

// endpoints maps the last path segment to its endpoint. The transport
// answers /v1/payments/<name> and /ams/api/v1/payments/<name>.
var endpoints = map[string]endpoint{}

// registerEndpoint adds an endpoint; each endpoint file calls it from init.
func registerEndpoint(name string, e endpoint) { endpoints[name] = e }
