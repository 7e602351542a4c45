package alipayplus

import (
	"context"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

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
// fields become F PARAM_ILLEGAL naming the field (a v1-en partner's body
// that is not one JSON object: F MSG_PARSE_ERROR); engine errors map to the
// spec's codes (codes.go); anything unexpected is U UNKNOWN_EXCEPTION.
type endpoint func(h *Handler, c *call) any

// endpoints is every endpoint the wallet offers, by the last segment of its
// path: the transport answers wire.PathPrefix+name and
// wire.AntomPathPrefix+name.
// codes names the result-code table of each (codes.go).
var endpoints = [...]struct {
	name  string
	serve endpoint
	codes api
}{
	{wire.EndpointPay, pay, apiPay},
	{wire.EndpointInquiryPayment, inquiryPayment, apiInquiryPayment},
	{wire.EndpointCancel, cancel, apiCancel},
	{wire.EndpointRefund, refund, apiRefund},
	{wire.EndpointInquiryRefund, inquiryRefund, apiInquiryRefund},
	{wire.EndpointCapture, capture, apiCapture},
}

// endpointNamed returns the endpoint of endpoints called name.
func endpointNamed(name string) (endpoint, bool) {
	for _, e := range endpoints {
		if e.name == name {
			return e.serve, true
		}
	}
	return nil, false
}

// apiNamed returns the result-code table of the endpoint called name.
func apiNamed(name string) api {
	for _, e := range endpoints {
		if e.name == name {
			return e.codes
		}
	}
	panic("alipayplus: no endpoint " + name)
}
