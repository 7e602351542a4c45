package cashier

import (
	"net/http"

	"github.com/paystate/paystate/engine"
)

// pay debits user for the payment through engine.Confirm (for an
// authorization: holds the amount) and answers with the outcome. Only a
// payment waiting for the user (ACCEPT) is confirmed: any other state is
// shown as it is, so a second Pay never debits twice.
func (h *Handler) pay(w http.ResponseWriter, r *http.Request, id, user string) {
	p, ok := h.load(w, r, id)
	if !ok {
		return
	}
	if p.State != engine.PaymentAccept {
		h.state(w, r, http.StatusConflict, p, false)
		return
	}
	paid, err := h.cfg.Engine.Confirm(r.Context(), id, user)
	code := engine.ErrorCode(err)
	switch {
	case code == engine.CodeNone && (paid.State == engine.PaymentSuccess || paid.State == engine.PaymentAuthorized):
		h.done(w, r, paid)
	case code == engine.CodeNone:
		// INIT: the ledger has not answered yet; the page says so.
		h.state(w, r, http.StatusAccepted, paid, false)
	case isDecline(code) && paid.State == engine.PaymentAccept:
		h.payPage(w, r, http.StatusPaymentRequired, paid, user, declineText(code))
	case code == engine.CodeOrderClosed && paid.ID != "":
		h.state(w, r, http.StatusConflict, paid, false)
	case code == engine.CodePaymentNotFound:
		h.problem(w, r, http.StatusNotFound, "")
	default:
		h.internal(w, r, err, "confirm payment", id)
	}
}

// done answers a payment the user has just paid (or authorized): 303 to the merchant's
// return URL, or the result page when there is none.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, p engine.Payment) {
	if back := returnLink(p); back.Origin != "" {
		http.Redirect(w, r, back.URL, http.StatusSeeOther)
		return
	}
	h.state(w, r, http.StatusOK, p, false)
}
