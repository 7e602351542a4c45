package alipayplus

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// customerBelongsTo is the key of the mini-program profile's extendInfo
// that names the wallet (its siteName, as my.getSiteInfo reports it) the
// customer uses (seeds 000 and 002).
const customerBelongsTo = "customerBelongsTo"

// siteProblem applies seeds 000 and 002's customerBelongsTo to a
// mini-program pay or refund whose extendInfo is extendInfo, or returns
// nil. Without a configured site name (Config.SiteName) the wallet reads
// none of it: it is not part of a mini-program platform that names sites,
// and extendInfo is only kept. With one, extendInfo, when given, must be a
// JSON object, and its customerBelongsTo, when given, must name the site (a customer of another wallet cannot pay or be
// refunded here), and it is required when required is true: the cashier
// scenario, the one a mini-program uses (my.tradePay), where the seeds
// make it mandatory.
func (h *Handler) siteProblem(extendInfo string, required bool) *fieldError {
	const field = "extendInfo"
	if h.cfg.SiteName == "" {
		return nil
	}
	missing := func() *fieldError {
		if !required {
			return nil
		}
		return &fieldError{field: field + "." + customerBelongsTo, problem: "is required in the mini-program cashier scenario"}
	}
	if extendInfo == "" {
		return missing()
	}
	var info map[string]json.RawMessage
	if err := json.Unmarshal([]byte(extendInfo), &info); err != nil || info == nil {
		return &fieldError{field: field, problem: "must be a JSON object in a string, e.g. {\"customerBelongsTo\":\"siteName\"}"}
	}
	raw, given := info[customerBelongsTo]
	if !given || bytes.Equal(raw, []byte("null")) {
		return missing()
	}
	var site string
	if err := json.Unmarshal(raw, &site); err != nil {
		return &fieldError{field: field + "." + customerBelongsTo, problem: "must be a string"}
	}
	if site != h.cfg.SiteName {
		return &fieldError{field: field + "." + customerBelongsTo,
			problem: fmt.Sprintf("names site %q; this wallet is %q", site, h.cfg.SiteName)}
	}
	return nil
}

// requiresSite reports whether a mini-program pay in scenario sc must name
// its customer's site: the cashier scenario, the mini-program's own.
func requiresSite(sc engine.Scenario) bool { return sc == engine.ScenarioCashier }

// commandRefusal is what a refund or a capture whose request was read
// with denied and problem is answered before it reaches the engine: access
// denied, the field's problem, or (mini-program profile) a site in
// extendInfo this wallet does not serve; nil when it goes on.
func (h *Handler) commandRefusal(c *call, denied bool, problem *fieldError, extendInfo string) *wire.Result {
	if denied {
		r := accessDenied()
		return &r
	}
	if problem == nil && profileOf(c.partner) == ProfileMiniProgramV1 {
		problem = h.siteProblem(extendInfo, false)
	}
	if problem != nil {
		r := badRequest(c.partner, problem)
		return &r
	}
	return nil
}
