package alipayplus

import (
	"fmt"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
)

// CheckBody decodes body as the handler's endpoint called endpoint ("pay",
// "inquiryPayment", "cancel", "refund", "inquiryRefund", "capture") decodes it for a
// partner with partnerID and profile, before the engine sees it, and
// returns the result the handler would answer for a bad body: F
// PARAM_ILLEGAL naming the member, F MSG_PARSE_ERROR (v1-en, a body that is
// not one JSON object) or F ACCESS_DENIED (another partnerId). ok is true
// when the body passes (the endpoint would then run the engine). It needs
// no keys, signature or engine: for merchants' tests of their bodies and
// for fuzzing the decoder (fuzz/). An unknown endpoint or profile is an
// error.
func CheckBody(profile Profile, partnerID, endpoint string, body []byte) (result wire.Result, ok bool, err error) {
	p := &Partner{PartnerID: partnerID, Profile: profile}
	switch profile {
	case "", ProfileMiniProgramV1, ProfileV1EN, ProfileAntom:
	default:
		return wire.Result{}, false, fmt.Errorf("alipayplus: unknown profile %q", profile)
	}
	var problem *fieldError
	var denied bool
	switch endpoint {
	case "pay":
		def, known := payRequestFor(p)
		if !known {
			return wire.Result{}, false, fmt.Errorf("alipayplus: no pay definition for profile %q", profile)
		}
		_, problem, denied = def.decode(body, partnerID)
	case "inquiryPayment", "cancel":
		_, problem, denied = paymentQueryFor(p).decode(body, partnerID)
	case "refund":
		_, problem, denied = refundRequestFor(p).decode(body, partnerID)
	case "inquiryRefund":
		_, problem, denied = refundQueryFor(p).decode(body, partnerID)
	case "capture":
		_, problem, denied = captureRequestFor(p).decode(body, partnerID)
	default:
		return wire.Result{}, false, fmt.Errorf("alipayplus: no endpoint %q", endpoint)
	}
	switch {
	case denied:
		return accessDenied(), false, nil
	case problem != nil:
		return badRequest(p, problem), false, nil
	}
	return successResult(), true, nil
}
